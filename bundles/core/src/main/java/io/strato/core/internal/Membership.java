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

    /** Every cluster address this node knows its cluster at: the attach addresses and the peers it last saw. */
    java.util.List<String> knownMembers();

    /**
     * Remembers the cluster addresses of the other members now in the cluster, so that this node finds them
     * when it starts again (a node others attached to has no join address of its own).
     *
     * @param secret the cluster secret they proved to hold; members of a cluster this node has just left
     *               (attach, detach) are not remembered
     */
    void rememberPeers(String secret, java.util.List<String> peers);

    /** Forgets a peer that left its cluster on purpose (kato:node-detach on that node). */
    void forgetPeer(String secret, String peer);

    /** Thrown with a one-line message for the shell. */
    final class MembershipException extends Exception {
        MembershipException(String message) {
            super(message);
        }
    }
}
