package io.strato.role.router;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.strato.api.cluster.SharedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The proxy: a listening socket, the event loops that serve it and the route table they read.
 * Usable without OSGi (tests, benchmarks): give it a config and the routes map.
 */
public final class RouterServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterServer.class);

    private final RouterConfig config;
    private final RouteTable routes;
    private Transport transport;
    private Channel serverChannel;

    public RouterServer(RouterConfig config, SharedMap routes) {
        this.config = config;
        this.routes = new RouteTable(routes);
    }

    /** Loads the routes and starts listening; fails with a clear message when the port is taken. */
    public synchronized void start() {
        routes.start();
        transport = Transport.create(config.threads());
        BackendConnector connector = new BackendConnector(transport, config);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(
                                // Reads only: the proxy tells a stalled answer from a slow one itself, so the
                                // answer's writes need no promise and listener each (see ProxyHandler).
                                new IdleStateHandler(config.idleTimeoutSeconds(), 0, 0),
                                HttpMessageDecoder.requests(TimeUnit.SECONDS.toNanos(config.headTimeoutSeconds())),
                                new ProxyHandler(routes, connector, config.idleTimeoutSeconds()));
                    }
                });
        try {
            serverChannel = bootstrap.bind(config.bindAddress(), config.port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("The router cannot listen on " + config.bindAddress() + ":" + config.port()
                    + " (" + e.getMessage() + "); free the port or set another one in etc/io.strato.router.cfg", e);
        }
        LOG.info("Router listening on {}:{} ({}, {} thread(s), up to {} idle connection(s) kept to each instance)",
                config.bindAddress(), port(), transport.name(), config.threads(), config.maxIdleConnectionsPerInstance());
    }

    /** The port it listens on (the chosen one when configured with 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops listening, closes every connection and stops following the routes. */
    @Override
    public synchronized void close() {
        routes.close();
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        if (transport != null) {
            transport.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            transport = null;
            LOG.info("Router stopped");
        }
    }
}
