package io.strato.api.cluster;

import io.strato.api.role.RoleException;

/**
 * The single-primary rule. The primary role claims before it starts; the claim is atomic across the
 * cluster, so of two nodes racing, exactly one wins.
 */
public interface PrimaryElection {

    /**
     * Makes this node the primary, or refuses.
     *
     * @throws RoleException "node N is already the primary of cluster C" when another live node holds it
     */
    void claim() throws RoleException;

    /** Gives the primary role up (role removed or stopping). */
    void release();

    /**
     * Why this node may not act as the primary right now, checked before every primary action: it stepped down
     * because another node took the role with a newer epoch, or it is cut off from most of its cluster (the
     * others may have chosen a new primary). Empty while this node holds the cluster's current claim.
     */
    java.util.Optional<String> fenced();
}
