package io.strato.api.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Leader election on a {@link SharedMap}: of the nodes that call {@link #hold()} on the same lease, exactly one
 * holds it at a time. The holder keeps it by calling {@link #hold()} more often than {@code ttl}; when it stops
 * (it died, or was cut off), the entry expires and the next caller takes over.
 */
public final class Lease {

    /** The key of the lease's entry in its map; its value is the holder. */
    public static final String KEY = "holder";

    private final SharedMap map;
    private final String holder;
    private final Duration ttl;

    /**
     * @param map    the map the lease lives in, one per lease (e.g. {@code health-manager.lease})
     * @param holder this node's id
     * @param ttl    how long the lease outlives its holder's last {@link #hold()}
     */
    public Lease(SharedMap map, String holder, Duration ttl) {
        this.map = Objects.requireNonNull(map, "map");
        this.holder = Objects.requireNonNull(holder, "holder");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    /** Takes the lease if free, or renews it if held by this node. @return whether this node holds it */
    public boolean hold() {
        Optional<String> current = map.putIfAbsent(KEY, holder, ttl);
        if (current.isEmpty()) {
            return true;
        }
        if (current.get().equals(holder)) {
            map.put(KEY, holder, ttl);
            return true;
        }
        return false;
    }

    /** The node holding the lease now, if any. */
    public Optional<String> holder() {
        return map.get(KEY);
    }

    /**
     * Frees the lease of a holder known to be gone (the cluster dropped its node), so that the next {@link #hold()}
     * takes it without waiting for the entry to expire. Nothing happens if another node holds it by then.
     */
    public void revoke(String goneHolder) {
        map.remove(KEY, goneHolder);
    }

    /** Gives the lease up, so another node takes it at once. */
    public void release() {
        map.remove(KEY, holder);
    }
}
