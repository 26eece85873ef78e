package io.strato.role.router;

/**
 * How a router listens and how long it waits.
 *
 * @param port                          where clients connect (0 picks a free port)
 * @param bindAddress                   interface to listen on
 * @param backendConnectTimeoutMs       how long to wait for an instance to accept a connection before trying another
 * @param idleTimeoutSeconds            a client or pooled backend connection with no traffic for this long is
 *                                      closed; an instance that sends nothing back for this long gets a 502
 * @param threads                       event-loop threads that serve all connections; 0 picks {@link #defaultThreads}
 * @param maxIdleConnectionsPerInstance idle keep-alive connections kept open to one app instance, shared out
 *                                      among the threads; a connection released beyond that is closed
 * @param headTimeoutSeconds            how long a client may take to send a request's head (its request line
 *                                      and headers), counted from its first byte; a slower client gets a 408
 */
public record RouterConfig(int port, String bindAddress, int backendConnectTimeoutMs, int idleTimeoutSeconds,
                           int threads, int maxIdleConnectionsPerInstance, int headTimeoutSeconds) {

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_BACKEND_CONNECT_TIMEOUT_MS = 5000;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    /** Threads chosen by the router itself: see {@link #defaultThreads}. */
    public static final int AUTOMATIC_THREADS = 0;
    /**
     * As many idle connections as a busy client side may need at once: with fewer, every burst of more
     * concurrent requests than that closes connections at its end and opens them again at the next.
     */
    public static final int DEFAULT_MAX_IDLE_CONNECTIONS_PER_INSTANCE = 1024;
    /**
     * As long as Apache's mod_reqtimeout gives a head: ample for any client, and a client that sends its head
     * a byte at a time, just often enough to stay clear of the idle timeout, holds a connection no longer.
     */
    public static final int DEFAULT_HEAD_TIMEOUT_SECONDS = 20;

    public RouterConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("router port must be between 0 and 65535, not " + port);
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            bindAddress = DEFAULT_BIND_ADDRESS;
        }
        if (backendConnectTimeoutMs <= 0) {
            throw new IllegalArgumentException("backendConnectTimeoutMs must be positive, not " + backendConnectTimeoutMs);
        }
        if (idleTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("idleTimeoutSeconds must be positive, not " + idleTimeoutSeconds);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (chosen by the router) or more, not " + threads);
        }
        if (threads == AUTOMATIC_THREADS) {
            threads = defaultThreads(Runtime.getRuntime().availableProcessors());
        }
        if (maxIdleConnectionsPerInstance < 0) {
            throw new IllegalArgumentException("maxIdleConnectionsPerInstance must be 0 (none kept) or more, not "
                    + maxIdleConnectionsPerInstance);
        }
        if (headTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("headTimeoutSeconds must be positive, not " + headTimeoutSeconds);
        }
    }

    public RouterConfig(int port, String bindAddress, int backendConnectTimeoutMs, int idleTimeoutSeconds) {
        this(port, bindAddress, backendConnectTimeoutMs, idleTimeoutSeconds, AUTOMATIC_THREADS,
                DEFAULT_MAX_IDLE_CONNECTIONS_PER_INSTANCE, DEFAULT_HEAD_TIMEOUT_SECONDS);
    }

    /**
     * Idle connections to one instance each thread keeps: its share of {@link #maxIdleConnectionsPerInstance},
     * rounded up, since a thread only reuses the connections it serves itself.
     */
    int maxIdleConnectionsPerThread() {
        return (maxIdleConnectionsPerInstance + threads - 1) / threads;
    }

    /**
     * Event-loop threads when none are configured, on a machine with {@code cpus} CPUs: half of them. A
     * router shares its machine with the app instances it sends requests to, which spend at least as
     * much CPU on each request as the router does; more loops than that only wake up more often for
     * fewer requests each, which costs CPU without adding throughput.
     */
    static int defaultThreads(int cpus) {
        return Math.max(1, cpus / 2);
    }

    /** The defaults, listening on {@code port}. */
    public static RouterConfig onPort(String bindAddress, int port) {
        return new RouterConfig(port, bindAddress, DEFAULT_BACKEND_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_SECONDS);
    }
}
