package io.strato.api.role;

import java.util.List;
import java.util.Objects;

/**
 * A named set of roles, installed together: built-in ones are {@code strato-group-*} features, admins
 * add their own in {@code etc/io.strato.rolegroups.cfg}.
 *
 * @param name   group name, as in {@code kato:role-add <name>}
 * @param roles  role names, in install order
 * @param origin where it is defined: "feature" or the configuration file
 */
public record RoleGroup(String name, List<String> roles, String origin) {
    public RoleGroup {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a role group needs a name");
        }
        roles = List.copyOf(roles);
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("role group " + name + " lists no roles");
        }
        Objects.requireNonNull(origin, "origin");
    }
}
