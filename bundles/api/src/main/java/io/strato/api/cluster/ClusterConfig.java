package io.strato.api.cluster;

import java.util.Objects;

/**
 * Cluster-wide settings kept by the primary.
 *
 * @param name      cluster name, shown by {@code kato:status}
 * @param appDomain apps answer at {@code http://<app>.<appDomain>}
 */
public record ClusterConfig(String name, String appDomain) {

    /** Until a primary publishes its own: cluster "strato", apps under "localhost" (no DNS needed). */
    public static final ClusterConfig DEFAULTS = new ClusterConfig("strato", "localhost");

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(appDomain, "appDomain");
        if (name.isBlank() || appDomain.isBlank()) {
            throw new IllegalArgumentException("cluster name and app domain must not be blank");
        }
    }
}
