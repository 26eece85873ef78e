package io.strato.api.cluster;

import io.strato.api.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A map shared by every node of the cluster. Entries written with a time-to-live disappear unless the
 * owner writes them again in time: that is how a dead node's state (routes, instances, capacity) goes
 * away by itself.
 */
public interface SharedMap {

    Optional<String> get(String key);

    /** Writes an entry that lives until removed. */
    void put(String key, String value);

    /** Writes an entry that expires after {@code ttl} unless written again. */
    void put(String key, String value, Duration ttl);

    /**
     * Writes the entry only if the key is absent, atomically across the cluster.
     *
     * @return the value already there (nothing was written), or empty (this value was written)
     */
    Optional<String> putIfAbsent(String key, String value, Duration ttl);

    /**
     * Replaces the value only if it still holds {@code expected}, atomically across the cluster; the entry
     * keeps no time-to-live. @return whether it was replaced
     */
    boolean replace(String key, String expected, String value);

    void remove(String key);

    /** Removes the entry only if it still holds {@code expected}; @return whether it was removed */
    boolean remove(String key, String expected);

    /** A snapshot of all entries. */
    Map<String, String> entries();

    /**
     * A snapshot of all values read as JSON of {@code type}; values that are not (written by another version,
     * or by hand) are left out rather than failing the reader.
     */
    default <T> List<T> values(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (String json : entries().values()) {
            try {
                out.add(Json.read(json, type));
            } catch (IllegalArgumentException e) {
                // left out, as documented
            }
        }
        return out;
    }

    /**
     * Calls {@code listener} on every change made by any node: added, updated, removed, expired.
     * The value is empty for a removal or expiry.
     */
    Registration listen(MapListener listener);

    @FunctionalInterface
    interface MapListener {
        void changed(String key, Optional<String> value);
    }
}
