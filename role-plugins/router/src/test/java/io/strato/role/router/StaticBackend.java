package io.strato.role.router;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * A fast app for benchmarks: answers every request with the same small page. Run with
 * {@code java -cp ... io.strato.role.router.StaticBackend <port>}.
 */
public final class StaticBackend {

    private static final ByteBuf PAGE = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(
            "<html><body><h1>Hello from an app instance</h1></body></html>\n".getBytes(StandardCharsets.US_ASCII)));

    private StaticBackend() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        Transport transport = Transport.create(Runtime.getRuntime().availableProcessors());
        Channel server = new ServerBootstrap().group(transport.group()).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<HttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
                                        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.OK, PAGE.duplicate());
                                        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_HTML)
                                                .setInt(HttpHeaderNames.CONTENT_LENGTH, PAGE.readableBytes());
                                        boolean keepAlive = HttpUtil.isKeepAlive(request);
                                        if (!keepAlive) {
                                            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                                        }
                                        ctx.write(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                                                : ChannelFutureListener.CLOSE);
                                    }

                                    @Override
                                    public void channelReadComplete(ChannelHandlerContext ctx) {
                                        ctx.flush();
                                    }
                                });
                    }
                }).bind("127.0.0.1", port).sync().channel();
        System.out.println("Static backend on 127.0.0.1:" + port + " (" + transport.name() + ")");
        // The event loop threads are daemons: stay alive until the process is stopped.
        server.closeFuture().sync();
    }
}
