package io.strato.controller;

import io.strato.api.cluster.ClusterConfig;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.NodeRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A one-node cluster with the app domain {@value #DOMAIN}. */
public final class TestCluster implements ClusterView {

    public static final String DOMAIN = "strato.test";
    private final NodeRecord node;

    public TestCluster() {
        this("node-1");
    }

    /** The cluster as the node {@code nodeId} sees it. */
    public TestCluster(String nodeId) {
        node = new NodeRecord(nodeId, nodeId, "127.0.0.1", Map.of(), true, "0.1.0", System.currentTimeMillis());
    }

    @Override
    public NodeRecord localNode() {
        return node;
    }

    @Override
    public List<NodeRecord> nodes() {
        return List.of(node);
    }

    @Override
    public Optional<NodeRecord> primary() {
        return Optional.of(node);
    }

    @Override
    public ClusterConfig config() {
        return new ClusterConfig("test", DOMAIN);
    }

    @Override
    public List<String> warnings() {
        return List.of();
    }

    @Override
    public boolean ready() {
        return true;
    }
}
