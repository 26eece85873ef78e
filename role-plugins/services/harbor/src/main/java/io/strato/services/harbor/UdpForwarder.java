package io.strato.services.harbor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on one public UDP port and relays datagrams to the app's live instances. UDP has no connections,
 * so a client is known by its address and port: its first datagram opens a session, an outbound socket
 * connected to one instance (taken in turn among the running ones), and every later datagram of that
 * client goes the same way; what the instance sends back to that socket goes to the client from the public
 * port. A session ends after {@code idle} without traffic either way, when its instance is no longer
 * running, when the instance's port answers "unreachable", and when the forwarder closes.
 *
 * <p>One thread and one selector for the public port and all sessions: datagrams are small and independent,
 * and a session costs a socket, not a thread.
 */
final class UdpForwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpForwarder.class);
    /** Above the largest UDP payload (65507 bytes over IPv4). */
    private static final int BUFFER = 64 * 1024;
    /** Datagrams taken from one socket before the others get their turn. */
    private static final int BURST = 64;
    /** At most one "dropped" log line of each kind per this interval. */
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One client: the socket its datagrams leave by, towards one instance. */
    private static final class Session {
        final SocketAddress client;
        final Forwarder.Backend backend;
        final DatagramChannel upstream;
        long lastActive;

        Session(SocketAddress client, Forwarder.Backend backend, DatagramChannel upstream, long now) {
            this.client = client;
            this.backend = backend;
            this.upstream = upstream;
            this.lastActive = now;
        }
    }

    /** Counts what it drops and says so at most once per {@link #DROP_LOG_INTERVAL_NANOS}. */
    private final class DropLog {
        private final String what;
        private long dropped;
        private long lastLine = System.nanoTime() - DROP_LOG_INTERVAL_NANOS;

        DropLog(String what) {
            this.what = what;
        }

        void drop(long now) {
            dropped++;
            if (now - lastLine >= DROP_LOG_INTERVAL_NANOS) {
                LOG.warn("harbor {}: dropping the datagrams of new clients: {} ({} dropped since the last such"
                        + " line; at most one every {} s)", name, what, dropped,
                        TimeUnit.NANOSECONDS.toSeconds(DROP_LOG_INTERVAL_NANOS));
                dropped = 0;
                lastLine = now;
            }
        }
    }

    private final String name;
    private final Supplier<List<Forwarder.Backend>> backends;
    private final long idleNanos;
    private final int maxSessions;
    private final DatagramChannel server;
    private final Selector selector;
    private final Thread thread;
    /** Touched by the forwarding thread only. */
    private final Map<SocketAddress, Session> sessions = new HashMap<>();
    private final AtomicInteger sessionCount = new AtomicInteger();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    private final DropLog full;
    private final DropLog noInstance;
    private int next;
    private volatile boolean closed;

    /**
     * Binds the port at once, so a port that is taken fails here rather than later.
     *
     * @param backends    the app's live instances now, asked again for every new client and every sweep
     * @param idle        how long a session lives without a datagram either way
     * @param maxSessions how many clients at once; datagrams of further new clients are dropped
     */
    UdpForwarder(String name, String bindAddress, int port, Supplier<List<Forwarder.Backend>> backends,
                 Duration idle, int maxSessions) throws IOException {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("the idle time of UDP sessions must be positive, not " + idle);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("at least one UDP session must be allowed, not " + maxSessions);
        }
        this.name = name;
        this.backends = backends;
        this.idleNanos = idle.toNanos();
        this.maxSessions = maxSessions;
        this.full = new DropLog(maxSessions + " UDP sessions are open, as many as udpMaxSessions allows");
        this.noInstance = new DropLog("no running instance of the app to forward them to");
        this.selector = Selector.open();
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            channel.bind(new InetSocketAddress(bindAddress, port));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            selector.close();
            throw e;
        }
        this.server = channel;
        this.thread = new Thread(this::loop, "harbor-udp-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    /** Clients with a session now. */
    int sessions() {
        return sessionCount.get();
    }

    private void loop() {
        long sweepEvery = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), idleNanos / 4));
        long nextSweep = System.nanoTime() + sweepEvery;
        try {
            while (!closed) {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - System.nanoTime()));
                selector.select(wait);
                if (closed) {
                    break;
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.attachment() instanceof Session session) {
                        fromInstance(session);
                    } else {
                        fromClients();
                    }
                }
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + sweepEvery;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("harbor {}: UDP forwarding stopped: {}", name, e.toString());
            }
        } finally {
            for (Session s : sessions.values()) {
                quietly(s.upstream);
            }
            sessions.clear();
            sessionCount.set(0);
            quietly(server);
            try {
                // deregisters the channels, which releases their ports
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void fromClients() {
        for (int i = 0; i < BURST; i++) {
            buffer.clear();
            SocketAddress client;
            try {
                client = server.receive(buffer);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("harbor {}: receiving a datagram failed: {}", name, e.getMessage());
                }
                return;
            }
            if (client == null) {
                return;
            }
            buffer.flip();
            long now = System.nanoTime();
            Session session = sessions.get(client);
            if (session == null) {
                session = open(client, now);
                if (session == null) {
                    continue;
                }
            }
            session.lastActive = now;
            try {
                // a full send buffer drops the datagram, as UDP may
                session.upstream.write(buffer);
            } catch (PortUnreachableException e) {
                // the instance's port said so about an earlier datagram: the next one picks another instance
                LOG.debug("harbor {}: instance at {}:{} unreachable for {}", name, session.backend.address(),
                        session.backend.port(), client);
                end(session);
            } catch (IOException e) {
                LOG.debug("harbor {}: forwarding a datagram of {} failed: {}", name, client, e.getMessage());
                end(session);
            }
        }
    }

    /** A session for a new client, or null when its datagram is to be dropped. */
    private Session open(SocketAddress client, long now) {
        if (sessions.size() >= maxSessions) {
            full.drop(now);
            return null;
        }
        List<Forwarder.Backend> live = backends.get();
        if (live.isEmpty()) {
            noInstance.drop(now);
            return null;
        }
        Forwarder.Backend backend = live.get(Math.floorMod(next++, live.size()));
        DatagramChannel upstream = null;
        try {
            upstream = DatagramChannel.open();
            upstream.connect(new InetSocketAddress(backend.address(), backend.port()));
            upstream.configureBlocking(false);
            Session session = new Session(client, backend, upstream, now);
            upstream.register(selector, SelectionKey.OP_READ, session);
            sessions.put(client, session);
            sessionCount.set(sessions.size());
            return session;
        } catch (IOException | RuntimeException e) {
            LOG.info("harbor {}: cannot open a UDP session to the instance at {}:{}: {}", name, backend.address(),
                    backend.port(), e.getMessage());
            if (upstream != null) {
                quietly(upstream);
            }
            return null;
        }
    }

    private void fromInstance(Session session) {
        for (int i = 0; i < BURST; i++) {
            buffer.clear();
            try {
                if (session.upstream.receive(buffer) == null) {
                    return;
                }
            } catch (PortUnreachableException e) {
                end(session);
                return;
            } catch (IOException e) {
                LOG.debug("harbor {}: receiving from the instance at {}:{} failed: {}", name,
                        session.backend.address(), session.backend.port(), e.getMessage());
                end(session);
                return;
            }
            buffer.flip();
            session.lastActive = System.nanoTime();
            try {
                server.send(buffer, session.client);
            } catch (IOException e) {
                LOG.debug("harbor {}: answering {} failed: {}", name, session.client, e.getMessage());
            }
        }
    }

    /** Ends idle sessions, and those whose instance no longer runs. */
    private void sweep(long now) {
        if (sessions.isEmpty()) {
            return;
        }
        Set<Forwarder.Backend> live = null;
        for (Session s : List.copyOf(sessions.values())) {
            if (now - s.lastActive >= idleNanos) {
                end(s);
                continue;
            }
            if (live == null) {
                live = new HashSet<>(backends.get());
            }
            if (!live.contains(s.backend)) {
                LOG.debug("harbor {}: the instance at {}:{} of {} no longer runs", name, s.backend.address(),
                        s.backend.port(), s.client);
                end(s);
            }
        }
    }

    private void end(Session session) {
        sessions.remove(session.client, session);
        sessionCount.set(sessions.size());
        quietly(session.upstream);
    }

    private static void quietly(DatagramChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /**
     * Stops forwarding, ends every session and releases the port. Returns once the forwarding thread is gone,
     * so the port can be bound again as soon as this returns.
     */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
            if (thread.isAlive()) {
                LOG.warn("harbor {}: UDP forwarding still running 5 s after closing", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
