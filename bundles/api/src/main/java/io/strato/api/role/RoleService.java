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
    List<String> add(List<String> rolesOrGroups) throws RoleException;

    /**
     * Removes roles. @return the roles that were removed
     * @throws RoleException when a name is unknown or the role is mandatory (base); nothing is removed then
     */
    List<String> remove(List<String> roles) throws RoleException;
}
