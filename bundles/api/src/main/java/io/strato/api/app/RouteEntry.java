package io.strato.api.app;

import java.util.Objects;

/**
 * One live backend of a route: {@code http://<host>} goes to {@code address:port}.
 *
 * @param host       the route's host name, lower case (e.g. {@code myapp.localhost})
 * @param address    where the instance listens
 * @param port       its port
 * @param appGuid    the app it belongs to
 * @param instanceId the instance ({@code __VCAP_ID__} of sticky sessions)
 * @param index      the instance index
 */
public record RouteEntry(String host, String address, int port, String appGuid, String instanceId, int index) {
    public RouteEntry {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(appGuid, "appGuid");
        Objects.requireNonNull(instanceId, "instanceId");
        host = host.toLowerCase(java.util.Locale.ROOT);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The key of this entry in {@link Channels#ROUTES}. */
    public String key() {
        return host + "|" + instanceId;
    }
}
