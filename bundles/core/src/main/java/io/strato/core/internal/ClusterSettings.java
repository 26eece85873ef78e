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
 * The cluster this node joins: its secret and the addresses to join through. Kept node-local in
 * {@code etc/strato-cluster.properties} so a node rejoins after a restart.
 *
 * <p>The secret gates joins: the cluster's Hazelcast group name is derived from it, and Hazelcast members
 * of different groups never join each other.
 */
record ClusterSettings(String secret, List<String> members) {

    static final String FILE = "strato-cluster.properties";
    private static final SecureRandom RANDOM = new SecureRandom();

    ClusterSettings {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("a cluster secret has at least 16 characters");
        }
        members = List.copyOf(members);
    }

    static ClusterSettings fresh() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return new ClusterSettings(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), List.of());
    }

    static ClusterSettings from(Properties p) {
        String members = p.getProperty("members", "").trim();
        return new ClusterSettings(p.getProperty("secret"),
                members.isEmpty() ? List.of() : Arrays.stream(members.split("\\s*,\\s*")).toList());
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("secret", secret);
        p.setProperty("members", String.join(",", members));
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
