package io.strato.store;

import java.util.Objects;

/**
 * Where the cluster database is served, as the serving node publishes it in the shared map {@code strato.store}
 * under {@code server}: {@code host:port/database@node}.
 */
record ServerAddress(String host, int port, String database, String node) {

    ServerAddress {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(node, "node");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port");
        }
    }

    String jdbcUrl() {
        return "jdbc:derby://" + host + ":" + port + "/" + database;
    }

    String published() {
        return host + ":" + port + "/" + database + "@" + node;
    }

    static ServerAddress parse(String published) {
        int at = published.lastIndexOf('@');
        int slash = published.indexOf('/');
        int colon = published.lastIndexOf(':', slash);
        if (at < 0 || slash < 0 || colon < 0 || slash > at) {
            throw new IllegalArgumentException("'" + published + "' is not host:port/database@node");
        }
        return new ServerAddress(published.substring(0, colon), Integer.parseInt(published.substring(colon + 1, slash)),
                published.substring(slash + 1, at), published.substring(at + 1));
    }
}
