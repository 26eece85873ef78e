package io.strato.api.cluster;

/** Names of the shared maps that hold the cluster itself. */
public final class ClusterKeys {

    /** Map: node id → {@link NodeRecord}, refreshed by each node's heartbeat. */
    public static final String NODES = "strato.nodes";
    /** Map holding the primary claim under {@link #PRIMARY_KEY}. */
    public static final String PRIMARY = "strato.primary";
    public static final String PRIMARY_KEY = "primary";
    /** Map holding the {@link ClusterConfig} under {@link #CONFIG_KEY}, published by the primary. */
    public static final String CLUSTER = "strato.cluster";
    public static final String CONFIG_KEY = "config";

    private ClusterKeys() {
    }
}
