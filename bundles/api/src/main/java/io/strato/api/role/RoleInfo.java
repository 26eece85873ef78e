package io.strato.api.role;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a node knows about one role: available (its feature is known) and, if installed, its state.
 *
 * @param name        role name
 * @param feature     the Karaf feature that installs it
 * @param description one line; from the running role, else from the feature
 * @param requires    roles it needs on the same node (known once it ran)
 * @param installed   whether the feature is installed on this node
 * @param state       state when installed
 */
public record RoleInfo(String name, String feature, String description, Set<String> requires,
                       boolean installed, Optional<RoleState> state) {
    public RoleInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(feature, "feature");
        description = description == null ? "" : description;
        requires = Set.copyOf(requires);
        Objects.requireNonNull(state, "state");
    }
}
