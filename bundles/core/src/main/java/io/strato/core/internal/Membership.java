package io.strato.core.internal;

/** Joining and leaving clusters; used by the kato node commands. */
public interface Membership {

    /**
     * Joins the cluster reachable at {@code address} ({@code host[:port]}, port defaults to 5701) with its
     * secret. @return what happened, in one line
     */
    String attach(String address, String secret) throws MembershipException;

    /** Leaves the cluster: this node becomes a cluster of its own with a new secret. */
    String detach() throws MembershipException;

    /** The addresses this node joins through; empty for a standalone node. */
    java.util.List<String> joinAddresses();

    /**
     * Remembers the cluster addresses of the other members now in the cluster, so that this node finds them
     * when it starts again (a node others attached to has no join address of its own).
     *
     * @param groupName the Hazelcast group they were seen in; members of a group this node has just left
     *                  (attach, detach) are not remembered
     */
    void rememberPeers(String groupName, java.util.List<String> peers);

    /** Thrown with a one-line message for the shell. */
    final class MembershipException extends Exception {
        MembershipException(String message) {
            super(message);
        }
    }
}
