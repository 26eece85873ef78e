package io.strato.api.role;

import java.util.List;

/**
 * Adds and removes roles on this node. Shell commands and REST endpoints share it, so the same rules
 * (base is mandatory, one primary per cluster) hold whichever way an admin asks.
 */
public interface RoleService {

    /** Every role this node can install, sorted by name. */
    List<RoleInfo> roles();

    /** One role, by name. @throws RoleException naming the valid roles when unknown */
    RoleInfo role(String name) throws RoleException;

    /** Built-in and admin-defined role groups, sorted by name. */
    List<RoleGroup> groups();

    /**
     * Installs roles and groups (group names expand to their roles).
     *
     * @return the roles that were newly installed
     * @throws RoleException when a name is unknown or the cluster refuses a role; nothing is installed then
     */
    default List<String> add(List<String> rolesOrGroups) throws RoleException {
        return add(rolesOrGroups, false);
    }

    /**
     * Installs roles and groups; with {@code force}, the primary role may also take over from a primary that
     * is lost (its heartbeats stopped) or that this node cannot see because it is cut off from most of its
     * cluster. Without it such a takeover is refused, since a paused or partitioned primary may come back.
     */
    List<String> add(List<String> rolesOrGroups, boolean force) throws RoleException;

    /**
     * Removes roles. @return the roles that were removed
     * @throws RoleException when a name is unknown or the role is mandatory (base); nothing is removed then
     */
    List<String> remove(List<String> roles) throws RoleException;
}
