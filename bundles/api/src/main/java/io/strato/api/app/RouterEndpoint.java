package io.strato.api.app;

import java.util.Objects;

/**
 * Where a router takes app traffic, so the controller can tell clients the URL apps answer at.
 *
 * @param address the address the router listens on (may be a wildcard)
 * @param port    its HTTP port
 */
public record RouterEndpoint(String address, int port) {
    public RouterEndpoint {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
