package io.strato.role.router;

/**
 * How a router listens and how long it waits.
 *
 * @param port                    where clients connect (0 picks a free port)
 * @param bindAddress             interface to listen on
 * @param backendConnectTimeoutMs how long to wait for an instance to accept a connection before trying another
 * @param idleTimeoutSeconds      a client or pooled backend connection with no traffic for this long is closed;
 *                                an instance that sends nothing back for this long gets a 502
 */
public record RouterConfig(int port, String bindAddress, int backendConnectTimeoutMs, int idleTimeoutSeconds) {

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_BACKEND_CONNECT_TIMEOUT_MS = 5000;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;

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
    }

    /** The defaults, listening on {@code port}. */
    public static RouterConfig onPort(String bindAddress, int port) {
        return new RouterConfig(port, bindAddress, DEFAULT_BACKEND_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_SECONDS);
    }
}
