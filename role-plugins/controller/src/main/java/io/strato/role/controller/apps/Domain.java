package io.strato.role.controller.apps;

import java.util.Objects;

/**
 * A domain routes live under: shared (every organization's, {@code owningOrgGuid} null) or private to one
 * organization. The cluster's app domain is shared and kept in the cluster configuration, not here.
 */
public record Domain(String guid, String name, String owningOrgGuid, long createdAt) {
    public Domain {
        Objects.requireNonNull(guid, "guid");
        Objects.requireNonNull(name, "name");
    }

    public boolean shared() {
        return owningOrgGuid == null;
    }

    /** Whether {@code this} is {@code other} or lies under it ({@code a.example.com} under {@code example.com}). */
    public boolean within(String other) {
        return name.equals(other) || name.endsWith("." + other);
    }
}
