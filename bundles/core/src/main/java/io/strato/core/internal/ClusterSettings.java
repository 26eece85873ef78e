package io.strato.core.internal;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * The cluster this node joins: its secret, the addresses it was attached through ({@code members}) and the
 * other members it last saw ({@code peers}). Kept node-local in {@code etc/strato-cluster.properties} so a
 * node rejoins after a restart, even the node others attached to: it finds them through its peers.

 * @param members the addresses given to {@code kato:node-attach}
 * @param peers   cluster addresses of the other members, as this node last saw them
 *
 * <p>The secret is what makes a node part of the cluster: every shared entry and message is sealed with a
 * key derived from it ({@link SealedSharedState}), and a node attaching with another secret is refused. The
 * Hazelcast group name is NOT derived from it: Hazelcast writes the group name into every log line.
 */
record ClusterSettings(String secret, List<String> members, List<String> peers) {

    static final String FILE = "strato-cluster.properties";
    static final String GROUP_NAME = "strato";
    private static final SecureRandom RANDOM = new SecureRandom();

    ClusterSettings {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("a cluster secret has at least 16 characters");
        }
        members = List.copyOf(members);
        peers = List.copyOf(peers);
    }

    ClusterSettings(String secret, List<String> members) {
        this(secret, members, List.of());
    }

    ClusterSettings withPeers(List<String> newPeers) {
        return new ClusterSettings(secret, members, newPeers);
    }

    /** Where Hazelcast looks for the cluster at start: the attach addresses, then the peers. */
    List<String> joinTargets() {
        return java.util.stream.Stream.concat(members.stream(), peers.stream()).distinct().toList();
    }

    static ClusterSettings fresh() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return new ClusterSettings(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), List.of());
    }

    static ClusterSettings from(Properties p) {
        return new ClusterSettings(p.getProperty("secret"), list(p, "members"), list(p, "peers"));
    }

    private static List<String> list(Properties p, String key) {
        String value = p.getProperty(key, "").trim();
        return value.isEmpty() ? List.of() : Arrays.stream(value.split("\\s*,\\s*")).toList();
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("secret", secret);
        p.setProperty("members", String.join(",", members));
        p.setProperty("peers", String.join(",", peers));
        return p;
    }

    /** Never the secret: settings may end up in a log line or an exception. */
    @Override
    public String toString() {
        return "ClusterSettings[members=" + members + ", peers=" + peers + "]";
    }

    /**
     * The Hazelcast group name: the same for every Strato cluster and public (Hazelcast logs it). It decides
     * nothing about trust; the secret does.
     */
    String groupName() {
        return GROUP_NAME;
    }
}
