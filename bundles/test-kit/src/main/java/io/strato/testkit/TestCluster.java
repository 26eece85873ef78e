package io.strato.testkit;

import io.strato.api.cluster.ClusterConfig;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.NodeRecord;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A cluster that does not change, with the app domain {@value #DOMAIN}, no warnings and ready: by default one
 * node that is also the primary.
 */
public final class TestCluster implements ClusterView {

    public static final String DOMAIN = "strato.test";
    private final NodeRecord local;
    private final List<NodeRecord> nodes;

    public TestCluster() {
        this("node-1");
    }

    /** One node, {@code nodeId} (its name too), holding the primary role. */
    public TestCluster(String nodeId) {
        this(new NodeRecord(nodeId, nodeId, "127.0.0.1", Map.of(), true, "0.1.0", System.currentTimeMillis()));
    }

    /** The cluster of {@code local} and {@code others} as {@code local} sees it; the primary is the node whose record says so. */
    public TestCluster(NodeRecord local, NodeRecord... others) {
        this.local = local;
        this.nodes = Stream.concat(Stream.of(local), Stream.of(others))
                .sorted(Comparator.comparing(NodeRecord::name)).toList();
    }

    @Override
    public NodeRecord localNode() {
        return local;
    }

    @Override
    public List<NodeRecord> nodes() {
        return nodes;
    }

    @Override
    public Optional<NodeRecord> primary() {
        return nodes.stream().filter(NodeRecord::primary).findFirst();
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
