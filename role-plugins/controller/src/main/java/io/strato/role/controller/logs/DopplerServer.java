package io.strato.role.controller.logs;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.strato.api.app.LogLine;
import io.strato.api.json.Json;
import io.strato.role.controller.apps.LogBuffer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Cloud Foundry clients find Doppler (the root document's {@code logging} link): {@code GET
 * /apps/:guid/recentlogs} (the app's kept lines as one multipart body) and the WebSocket {@code /apps/:guid/stream}
 * (each new line as one binary message, a Loggregator envelope). It listens on a port of its own, since the node's
 * HTTP service (Pax Web behind CXF) does not upgrade connections to WebSockets.
 *
 * <p>Each stream reads from a bounded {@link LogBuffer.Follower}. A client that does not take its messages as fast
 * as the app logs is disconnected when its follower's queue overflows or when {@value #PENDING_BYTES} bytes wait for
 * it for {@value #SLOW_SECONDS} s, so no client holds more than that much of the controller's memory.
 */
public final class DopplerServer implements AutoCloseable {

    /** Why a request is refused: the HTTP status and the JSON body (the Cloud Controller's error form). */
    public record Refusal(int status, String body) {
    }

    /** Decides who may read an app's logs: null to let the request through, else the refusal. */
    @FunctionalInterface
    public interface Gate {
        Refusal check(String authorization, String appGuid);
    }

    /** Most streams at once: each holds a thread while it waits for lines. */
    static final int MAX_STREAMS = 256;
    /** Bytes written but not yet taken by a client before it counts as too slow. */
    static final int PENDING_BYTES = 256 * 1024;
    static final long KEEPALIVE_SECONDS = 15;
    /** How long a client may leave {@value #PENDING_BYTES} bytes untaken before it is disconnected. */
    static final long SLOW_SECONDS = 10;
    /** WebSocket close code 1008 (policy violation), as Doppler closes a consumer that falls behind. */
    static final int TOO_SLOW = 1008;
    private static final Pattern RECENT = Pattern.compile("/apps/([^/]+)/recentlogs/?");
    private static final Pattern STREAM = Pattern.compile("/apps/([^/]+)/stream/?");
    private static final Logger LOG = LoggerFactory.getLogger(DopplerServer.class);

    private final LogBuffer logs;
    private final Gate gate;
    private final int port;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final ExecutorService pumps = Executors.newCachedThreadPool(daemon("strato-doppler-stream"));
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;
    private volatile int boundPort;

    /** @param port where to listen, on every interface; 0 takes a free port */
    public DopplerServer(LogBuffer logs, Gate gate, int port) {
        this.logs = logs;
        this.gate = gate;
        this.port = port;
    }

    /** Binds the port. @throws IllegalStateException when it cannot (taken), saying which */
    public synchronized void start() {
        boss = new NioEventLoopGroup(1, daemon("strato-doppler-accept"));
        workers = new NioEventLoopGroup(1, daemon("strato-doppler-io"));
        ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(PENDING_BYTES / 2, PENDING_BYTES))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024), new Requests());
                    }
                });
        try {
            server = bootstrap.bind(port).sync().channel();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the Doppler log endpoint could not listen on port " + port + ": " + e
                    + "; set dopplerPort in etc/io.strato.controller.cfg to a free port (0 takes any)", e);
        }
        boundPort = ((InetSocketAddress) server.localAddress()).getPort();
        LOG.info("Doppler log endpoint (recent logs and live log streams of apps) listening on port {}", boundPort);
    }

    /** The port it listens on, once started. */
    public int port() {
        return boundPort;
    }

    /** How many clients are streaming logs now. */
    public int streams() {
        return streams.size();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            server = null;
        }
        streams.forEach(s -> s.channel.close());
        pumps.shutdownNow();
        if (workers != null) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The recent logs of an app as the body Doppler answers: one envelope per part of a multipart body. */
    public static void writeMultipart(java.io.OutputStream out, List<LogLine> lines, String boundary) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        out.write(("--" + boundary + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] between = ("\r\n--" + boundary + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                out.write(between);
            }
            out.write(Envelopes.of(lines.get(i)));
        }
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** A fresh multipart boundary: random, so that no envelope's bytes can contain it. */
    public static String boundary() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
            String path = new QueryStringDecoder(request.uri()).path();
            Matcher recent = RECENT.matcher(path);
            Matcher stream = STREAM.matcher(path);
            if (!request.method().equals(HttpMethod.GET) || !(recent.matches() || stream.matches())) {
                refuse(ctx, new Refusal(404, error(10000, "CF-NotFound", "Unknown request")));
                return;
            }
            String app = recent.matches() ? recent.group(1) : stream.group(1);
            Refusal refusal = gate.check(request.headers().get(HttpHeaderNames.AUTHORIZATION), app);
            if (refusal != null) {
                refuse(ctx, refusal);
            } else if (recent.matches()) {
                recent(ctx, app);
            } else if (!"websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
                refuse(ctx, new Refusal(400, error(10004, "CF-InvalidRequest", "the log stream is a WebSocket: ask with"
                        + " Upgrade: websocket")));
            } else if (streams.size() >= MAX_STREAMS) {
                LOG.warn("A log stream of app {} was refused: {} streams are open, the most this controller serves", app,
                        MAX_STREAMS);
                refuse(ctx, new Refusal(503, error(10015, "CF-ServiceUnavailable", "too many log streams are open;"
                        + " try again later")));
            } else {
                upgrade(ctx, request, app);
            }
        }

        private void recent(ChannelHandlerContext ctx, String app) throws IOException {
            String boundary = boundary();
            ByteBuf body = ctx.alloc().buffer();
            try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
                writeMultipart(out, logs.recent(app, LogBuffer.LINES_PER_APP), boundary);
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "multipart/x-protobuf; boundary=" + boundary)
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String app) {
            String location = "ws://" + request.headers().get(HttpHeaderNames.HOST) + request.uri();
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, false, 64 * 1024)
                    .newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            Stream stream = new Stream(ctx.channel(), app, logs.follow(app), handshaker);
            streams.add(stream);
            ctx.pipeline().replace(this, "frames", new Frames(stream));
            handshaker.handshake(ctx.channel(), request).addListener(f -> {
                if (f.isSuccess()) {
                    stream.start();
                } else {
                    stream.end();
                    ctx.close();
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Doppler request failed: {}", cause.toString());
            ctx.close();
        }
    }

    /** What a streaming client sends: pings and a close; anything else is ignored. */
    private static final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final Stream stream;

        Frames(Stream stream) {
            this.stream = stream;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                stream.handshaker.close(ctx.channel(), close.retain());
            } else if (frame instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("log stream of app {} failed: {}", stream.app, cause.toString());
            ctx.close();
        }
    }

    /** One client's stream: a thread moves lines from the app's follower to the socket. */
    private final class Stream implements Runnable {
        private final Channel channel;
        private final String app;
        private final LogBuffer.Follower follower;
        private final WebSocketServerHandshaker handshaker;
        private volatile Future<?> pump;

        Stream(Channel channel, String app, LogBuffer.Follower follower, WebSocketServerHandshaker handshaker) {
            this.channel = channel;
            this.app = app;
            this.follower = follower;
            this.handshaker = handshaker;
        }

        void start() {
            try {
                pump = pumps.submit(this);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                end();
                channel.close();
                return;
            }
            // the client left: stop waiting for its next line at once
            channel.closeFuture().addListener(f -> end());
        }

        void end() {
            follower.close();
            streams.remove(this);
            Future<?> running = pump;
            if (running != null) {
                running.cancel(true);
            }
        }

        @Override
        public void run() {
            try {
                while (channel.isActive()) {
                    LogLine line = follower.next(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                    if (follower.dropped() && line == null) {
                        // the app was deleted (its followers end), or the client fell more than a queue behind
                        disconnect("the stream ended: the app was deleted, or the client fell more than "
                                + LogBuffer.FOLLOWER_QUEUE + " lines behind");
                        return;
                    }
                    if (line == null) {
                        channel.writeAndFlush(new PingWebSocketFrame());
                    } else if (!writable()) {
                        disconnect("it does not keep up: " + PENDING_BYTES / 1024 + " KB of log messages waited for it for "
                                + SLOW_SECONDS + " s, or " + LogBuffer.FOLLOWER_QUEUE + " lines more");
                        return;
                    } else {
                        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(Envelopes.of(line))));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                end();
            }
        }

        /** Waits for the client to take what is pending, up to {@value #SLOW_SECONDS} s; its new lines queue meanwhile. */
        private boolean writable() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SLOW_SECONDS);
            while (!channel.isWritable() && channel.isActive()) {
                if (System.nanoTime() > deadline || follower.dropped()) {
                    return false;
                }
                Thread.sleep(10);
            }
            return true;
        }

        private void disconnect(String why) {
            if (!channel.isActive()) {
                return; // the client left
            }
            LOG.info("A client streaming the logs of app {} from {} was disconnected: {}", app, channel.remoteAddress(), why);
            channel.writeAndFlush(new CloseWebSocketFrame(TOO_SLOW, "log stream ended"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        ByteBuf body = Unpooled.copiedBuffer(refusal.body(), StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(refusal.status()), body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static String error(int code, String errorCode, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("description", description);
        body.put("error_code", errorCode);
        return Json.write(body);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
