package io.strato.api.cluster;

import java.util.List;
import java.util.Optional;

/** Read-only view of the cluster this node belongs to. */
public interface ClusterView {

    /** This node's record as it is published now. */
    NodeRecord localNode();

    /** Every live node (heartbeat not expired), this one included, sorted by name. */
    List<NodeRecord> nodes();

    /** The node holding the primary role, if any is alive. */
    Optional<NodeRecord> primary();

    /** Settings published by the primary; defaults until a primary has published them. */
    ClusterConfig config();

    /** Problems an admin should know about (no primary, lost primary, base missing), one line each. */
    List<String> warnings();

    /** Whether this node is ready: base role active and the cluster reachable. */
    boolean ready();
}
