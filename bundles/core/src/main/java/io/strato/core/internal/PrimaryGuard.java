package io.strato.core.internal;

import java.util.Optional;

/** Asks the cluster, before installing the primary role, whether this node may take it. */
interface PrimaryGuard {

    /**
     * The refusal when another live node is primary, or, without {@code force}, when the primary is lost or
     * this node is cut off from most of its cluster; else empty. With {@code force}, the claim that follows
     * shortly may take over a lost primary's.
     */
    Optional<String> admit(boolean force);
}
