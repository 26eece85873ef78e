package io.strato.core.internal;

import io.strato.api.role.RoleException;
import io.strato.api.role.RoleGroup;
import io.strato.api.role.RoleNames;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What roles and role groups exist, read from feature names: {@code strato-role-<name>} and
 * {@code strato-service-<name>} are roles, {@code strato-group-<name>} features are groups of the role
 * features they depend on, and admins add groups in {@code etc/io.strato.rolegroups.cfg}
 * ({@code name = role, role, ...}). Immutable; rebuilt when features or the configuration change.
 */
final class RoleCatalog {

    /** A feature as far as roles care: its name, description and the features it depends on. */
    record FeatureInfo(String name, String description, List<String> dependencies) {
    }

    static final String CONFIG_ORIGIN = "etc/io.strato.rolegroups.cfg";

    private final Map<String, FeatureInfo> roles = new TreeMap<>();
    private final Map<String, RoleGroup> groups = new TreeMap<>();

    RoleCatalog(List<FeatureInfo> features, Map<String, String> configuredGroups) {
        Map<String, FeatureInfo> groupFeatures = new TreeMap<>();
        for (FeatureInfo f : features) {
            roleName(f.name()).ifPresent(role -> roles.putIfAbsent(role, f));
            if (f.name().startsWith(RoleNames.GROUP_FEATURE_PREFIX)) {
                groupFeatures.put(f.name(), f);
            }
        }
        for (FeatureInfo g : groupFeatures.values()) {
            List<String> members = new ArrayList<>(expandFeature(g, groupFeatures, new LinkedHashSet<>()));
            if (!members.isEmpty()) {
                String name = g.name().substring(RoleNames.GROUP_FEATURE_PREFIX.length());
                groups.put(name, new RoleGroup(name, members, "feature " + g.name()));
            }
        }
        configuredGroups.forEach((name, list) -> {
            List<String> members = Arrays.stream(list.split("[,\\s]+")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (!members.isEmpty()) {
                groups.put(name.trim(), new RoleGroup(name.trim(), members, CONFIG_ORIGIN));
            }
        });
    }

    /** Role name of a role or service feature, if it is one. */
    static Optional<String> roleName(String featureName) {
        for (String prefix : List.of(RoleNames.ROLE_FEATURE_PREFIX, RoleNames.SERVICE_FEATURE_PREFIX)) {
            if (featureName.startsWith(prefix) && featureName.length() > prefix.length()) {
                return Optional.of(featureName.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    private Set<String> expandFeature(FeatureInfo group, Map<String, FeatureInfo> groupFeatures, Set<String> seen) {
        Set<String> result = new LinkedHashSet<>();
        if (!seen.add(group.name())) {
            return result;
        }
        for (String dep : group.dependencies()) {
            Optional<String> role = roleName(dep);
            if (role.isPresent()) {
                result.add(role.get());
            } else if (groupFeatures.containsKey(dep)) {
                result.addAll(expandFeature(groupFeatures.get(dep), groupFeatures, seen));
            }
        }
        return result;
    }

    Map<String, FeatureInfo> roles() {
        return roles;
    }

    Map<String, RoleGroup> groups() {
        return groups;
    }

    String feature(String role) {
        return roles.get(role).name();
    }

    /**
     * Role names for a mix of role and group names, each once, in the order given. A group from the
     * configuration may only name known roles.
     *
     * @throws RoleException naming the unknown names and the valid ones
     */
    List<String> expand(List<String> rolesOrGroups) throws RoleException {
        LinkedHashSet<String> result = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : rolesOrGroups) {
            if (roles.containsKey(name)) {
                result.add(name);
            } else if (groups.containsKey(name)) {
                for (String member : groups.get(name).roles()) {
                    if (!roles.containsKey(member)) {
                        throw new RoleException("role group " + name + " (" + groups.get(name).origin() + ") names unknown role "
                                + member + "; valid roles: " + String.join(", ", roles.keySet()));
                    }
                    result.add(member);
                }
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new RoleException("unknown role or group: " + String.join(", ", unknown) + "; valid roles: "
                    + String.join(", ", roles.keySet()) + "; groups: " + String.join(", ", groups.keySet()));
        }
        return List.copyOf(result);
    }

    /** Validates role names only (no groups), for removal. */
    List<String> requireRoles(List<String> names) throws RoleException {
        List<String> unknown = names.stream().filter(n -> !roles.containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            throw new RoleException("unknown role: " + String.join(", ", unknown) + "; valid roles: "
                    + String.join(", ", roles.keySet()));
        }
        return List.copyOf(new LinkedHashSet<>(names));
    }
}
