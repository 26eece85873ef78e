package io.strato.core.internal;

import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.cluster.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals every value and message of a raw {@link SharedState} (the cluster's transport) with the cluster
 * secret: AES-GCM under a key derived from the secret, a random nonce per value, and the map name and key
 * (or the topic name) as associated data, so a value cannot be read without the secret, forged, or moved to
 * another key. Whatever does not open is treated as absent and reported (map and key, never the value).
 * Anyone on the cluster network can still delete entries or replay an older value under the same key.
 */
final class SealedSharedState implements SharedState {

    private static final Logger LOG = LoggerFactory.getLogger(SealedSharedState.class);
    private static final String PREFIX = "s1:";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final long WARN_EVERY_MS = 60_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SharedState raw;
    private final SecretKey key;
    private final Map<String, Long> lastWarning = new ConcurrentHashMap<>();

    SealedSharedState(SharedState raw, String secret) {
        this.raw = raw;
        this.key = deriveKey(secret);
    }

    static SecretKey deriveKey(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal("strato shared-state v1".getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    @Override
    public SharedMap map(String name) {
        return new SealedMap(name, raw.map(name));
    }

    @Override
    public Topic topic(String name) {
        Topic topic = raw.topic(name);
        byte[] context = context("topic", name, "");
        return new Topic() {
            @Override
            public void publish(String message) {
                topic.publish(seal(message, context));
            }

            @Override
            public Registration subscribe(Consumer<String> listener) {
                return topic.subscribe(m -> open(m, context).ifPresentOrElse(listener,
                        () -> ignored("message on cluster topic " + name)));
            }
        };
    }

    /**
     * Whether the entry at {@code key} opens with this node's secret: empty when there is no entry. Lets a
     * node that has just joined tell a wrong secret from a cluster that has not written the entry yet.
     */
    Optional<Boolean> opens(String map, String key) {
        return raw.map(map).get(key).map(v -> open(v, context("map", map, key)).isPresent());
    }

    // --- sealing

    /** Associated data: what the value belongs to, unambiguous (lengths first). */
    private static byte[] context(String kind, String name, String key) {
        return (kind + ":" + name.length() + ":" + name + ":" + key.length() + ":" + key).getBytes(StandardCharsets.UTF_8);
    }

    private String seal(String plain, byte[] context) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(context);
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a cluster value: " + e.getMessage(), e);
        }
    }

    private Optional<String> open(String sealed, byte[] context) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            if (in.length < NONCE + TAG_BITS / 8) {
                return Optional.empty();
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE));
            c.updateAAD(context);
            return Optional.of(new String(c.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** One warning per entry and minute: a flood of forged entries must not flood the log. */
    private void ignored(String what) {
        long now = System.currentTimeMillis();
        Long last = lastWarning.get(what);
        if (last != null && now - last < WARN_EVERY_MS) {
            return;
        }
        if (lastWarning.size() > 1000) {
            lastWarning.clear();
        }
        lastWarning.put(what, now);
        LOG.warn("Ignored an unsealed entry: {} does not open with this node's cluster secret. It was written by a "
                + "process that is not a node of this cluster, or by a node with another secret (a node attached with a "
                + "wrong secret). Check which hosts reach the cluster port.", what);
    }

    private static String printable(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }

    private final class SealedMap implements SharedMap {
        private final String name;
        private final SharedMap map;

        SealedMap(String name, SharedMap map) {
            this.name = name;
            this.map = map;
        }

        private byte[] context(String key) {
            return SealedSharedState.context("map", name, key);
        }

        private Optional<String> open(String key, String sealed) {
            Optional<String> plain = SealedSharedState.this.open(sealed, context(key));
            if (plain.isEmpty()) {
                ignored("cluster map " + name + ", key " + printable(key));
            }
            return plain;
        }

        private String seal(String key, String value) {
            return SealedSharedState.this.seal(value, context(key));
        }

        @Override
        public Optional<String> get(String key) {
            return map.get(key).flatMap(v -> open(key, v));
        }

        @Override
        public void put(String key, String value) {
            map.put(key, seal(key, value));
        }

        @Override
        public void put(String key, String value, Duration ttl) {
            map.put(key, seal(key, value), ttl);
        }

        /** An entry that does not open counts as absent: it is removed (only if unchanged) and the put retried. */
        @Override
        public Optional<String> putIfAbsent(String key, String value, Duration ttl) {
            String sealed = seal(key, value);
            for (int attempt = 0; attempt < 5; attempt++) {
                Optional<String> existing = map.putIfAbsent(key, sealed, ttl);
                if (existing.isEmpty()) {
                    return Optional.empty();
                }
                Optional<String> plain = open(key, existing.get());
                if (plain.isPresent()) {
                    return plain;
                }
                map.remove(key, existing.get());
            }
            throw new IllegalStateException("cluster map " + name + ", key " + printable(key)
                    + " keeps being overwritten with entries that do not open with this node's cluster secret");
        }

        /** Compares the opened current value, then swaps the raw value only if it is still the one compared. */
        @Override
        public boolean replace(String key, String expected, String value) {
            Optional<String> current = map.get(key);
            if (current.isEmpty() || !open(key, current.get()).map(expected::equals).orElse(false)) {
                return false;
            }
            return map.replace(key, current.get(), seal(key, value));
        }

        @Override
        public void remove(String key) {
            map.remove(key);
        }

        @Override
        public boolean remove(String key, String expected) {
            Optional<String> current = map.get(key);
            if (current.isEmpty() || !open(key, current.get()).map(expected::equals).orElse(false)) {
                return false;
            }
            return map.remove(key, current.get());
        }

        @Override
        public Map<String, String> entries() {
            Map<String, String> out = new HashMap<>();
            map.entries().forEach((k, v) -> open(k, v).ifPresent(plain -> out.put(k, plain)));
            return out;
        }

        @Override
        public Registration listen(MapListener listener) {
            return map.listen((k, v) -> {
                if (v.isEmpty()) {
                    listener.changed(k, Optional.empty());
                } else {
                    open(k, v.get()).ifPresent(plain -> listener.changed(k, Optional.of(plain)));
                }
            });
        }
    }
}
