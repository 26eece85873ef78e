package io.strato.role.router;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops and socket types: Linux epoll when its native library loads (fewer system calls
 * per request), the JDK's NIO otherwise.
 */
record Transport(String name, EventLoopGroup group, Class<? extends ServerChannel> serverChannel,
                 Class<? extends SocketChannel> socketChannel) {

    static Transport create(int threads) {
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("strato-router", true);
        if (Epoll.isAvailable()) {
            return new Transport("epoll", new EpollEventLoopGroup(threads, threadFactory),
                    EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        return new Transport("nio", new NioEventLoopGroup(threads, threadFactory),
                NioServerSocketChannel.class, NioSocketChannel.class);
    }
}
