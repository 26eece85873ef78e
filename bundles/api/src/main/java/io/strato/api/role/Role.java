package io.strato.api.role;

import java.util.Set;

/**
 * A role this node plays (base, primary, controller, dea, ...). A role bundle registers one of these
 * as an OSGi service; core reads it to report the node's roles and to check what a role requires.
 */
public interface Role {

    /** Short lower-case name, as in {@code kato:role-add <name>}. Its feature is {@code strato-role-<name>}. */
    String name();

    /** One line for {@code kato:role-list}. */
    String description();

    /** Roles that must be present on the same node; every role requires base. */
    default Set<String> requires() {
        return Set.of(RoleNames.BASE);
    }
}
