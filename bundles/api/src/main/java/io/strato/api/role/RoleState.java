package io.strato.api.role;

/** State of a role on a node, as shown by {@code kato:status}. */
public enum RoleState {
    /** Installed and running. */
    ACTIVE,
    /** Installed, but its component is not running (stopped bundle, missing dependency, failed start). */
    INACTIVE,
    /** The cluster refused it (a second primary); the feature is rolled back. */
    REFUSED
}
