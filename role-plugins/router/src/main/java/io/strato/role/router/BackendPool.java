package io.strato.role.router;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idle keep-alive connections to one backend address. Each event loop has its own stack, touched only
 * by that loop's thread: a client connection reuses a backend connection served by the same thread,
 * so relaying bytes never crosses threads and needs no lock.
 */
final class BackendPool {

    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
    /** Beyond this many idle connections per thread, a released connection is closed instead. */
    private final int maxIdlePerLoop;

    BackendPool(int maxIdlePerLoop) {
        this.maxIdlePerLoop = maxIdlePerLoop;
    }

    /** A live idle connection served by {@code loop}, most recently used first; null when none. */
    Channel acquire(EventLoop loop) {
        ArrayDeque<Channel> stack = idle.get(loop);
        if (stack == null) {
            return null;
        }
        Channel channel;
        while ((channel = stack.pollLast()) != null) {
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    /** Keeps a connection whose last exchange ended cleanly; call on the channel's own event loop. */
    void release(Channel channel) {
        ArrayDeque<Channel> stack = idle.computeIfAbsent(channel.eventLoop(), l -> new ArrayDeque<>());
        if (stack.size() >= maxIdlePerLoop) {
            channel.close();
            return;
        }
        stack.addLast(channel);
    }

    /** Drops a connection that closed while idle, so the stack does not hold dead channels. */
    void forget(Channel channel) {
        ArrayDeque<Channel> stack = idle.get(channel.eventLoop());
        if (stack != null) {
            stack.remove(channel);
        }
    }

    /** Closes the idle connections of {@code loop}, once one of them proved stale; call on that loop. */
    void closeIdle(EventLoop loop) {
        ArrayDeque<Channel> stack = idle.get(loop);
        if (stack != null) {
            Channel channel;
            while ((channel = stack.pollLast()) != null) {
                channel.close();
            }
        }
    }
}
