package io.strato.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * The cluster this node joins: its secret, the addresses it was attached through ({@code members}) and the
 * other members it last saw ({@code peers}). Kept node-local in {@code etc/strato-cluster.properties} so a
 * node rejoins after a restart, even the node others attached to: it finds them through its peers.

 * @param members the addresses given to {@code kato:node-attach}
 * @param peers   cluster addresses of the other members, as this node last saw them
 *
 * <p>The secret gates joins: the cluster's Hazelcast group name is derived from it, and Hazelcast members
 * of different groups never join each other.
 */
record ClusterSettings(String secret, List<String> members, List<String> peers) {

    static final String FILE = "strato-cluster.properties";
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

    /** The Hazelcast group name of this cluster: nodes with another secret land in another group. */
    String groupName() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "strato-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
