package io.strato.api.cluster;

/**
 * Publishes this node's record to the cluster. The base role calls it on its heartbeat interval; a node
 * without base stops heartbeating, and the cluster forgets it.
 */
public interface NodeHeartbeat {

    /** Refreshes this node's record (roles, state, time) in the cluster. */
    void beat();

    /** How long a record lives without a beat; the base role beats well within it. */
    java.time.Duration recordTtl();
}
