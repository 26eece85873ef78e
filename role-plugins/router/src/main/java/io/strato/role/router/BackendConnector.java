package io.strato.role.router;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Hands out backend connections: an idle pooled one when there is one, a new one otherwise. */
final class BackendConnector {

    private final Bootstrap bootstrap;
    private final int idleTimeoutSeconds;
    private final int maxIdlePerLoop;
    private final Map<InetSocketAddress, BackendPool> pools = new ConcurrentHashMap<>();

    BackendConnector(Transport transport, RouterConfig config) {
        this.idleTimeoutSeconds = config.idleTimeoutSeconds();
        this.maxIdlePerLoop = config.maxIdleConnectionsPerThread();
        this.bootstrap = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.backendConnectTimeoutMs())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** An idle connection to {@code backend} served by {@code loop}, or null. */
    Channel pooled(Backend backend, EventLoop loop) {
        BackendPool pool = pools.get(backend.address());
        return pool == null ? null : pool.acquire(loop);
    }

    /** Opens a new connection served by {@code loop}, the loop of the client it is for. */
    ChannelFuture connect(Backend backend, EventLoop loop) {
        BackendPool pool = pools.computeIfAbsent(backend.address(), a -> new BackendPool(maxIdlePerLoop));
        return bootstrap.clone(loop).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                HttpMessageDecoder decoder = HttpMessageDecoder.responses();
                ch.pipeline().addLast(
                        // Only a pooled connection times out here, and it neither reads nor writes: watching
                        // reads alone is the same, and lets the router's writes go without a promise each.
                        new IdleStateHandler(idleTimeoutSeconds, 0, 0),
                        decoder,
                        new BackendHandler(pool, decoder));
            }
        }).connect(backend.address());
    }

    /** Closes the idle connections to {@code backend} on {@code loop}; call on that loop. */
    void closeIdle(Backend backend, EventLoop loop) {
        BackendPool pool = pools.get(backend.address());
        if (pool != null) {
            pool.closeIdle(loop);
        }
    }
}
