package io.strato.api.cluster;

import io.strato.api.role.RoleState;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One node as the cluster sees it. Published by the node itself on every heartbeat; it expires when the
 * heartbeats stop.
 *
 * @param id            stable node id (generated on first start)
 * @param name          display name ({@code karaf.name}, or the host name)
 * @param address       host the node is reached at (its cluster address)
 * @param roles         installed roles and their state
 * @param primary       whether this node holds the cluster's primary role
 * @param version       Strato version running on the node
 * @param lastHeartbeat when the record was last refreshed (epoch millis)
 */
public record NodeRecord(String id, String name, String address, Map<String, RoleState> roles,
                         boolean primary, String version, long lastHeartbeat) {
    public NodeRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        roles = Map.copyOf(roles);
        Objects.requireNonNull(version, "version");
    }

    /** Roles sorted by name, for display. */
    public Map<String, RoleState> sortedRoles() {
        return new TreeMap<>(roles);
    }

    public boolean hasActiveRole(String role) {
        return roles.get(role) == RoleState.ACTIVE;
    }
}
