package io.strato.role.controller.tenancy;

import io.strato.role.controller.Sql;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Who has which role in which organization and space. */
public final class RoleStore {

    private final Sql sql;

    public RoleStore(Sql sql) {
        this.sql = sql;
    }

    /** @return whether the user did not have the role yet */
    public boolean grant(String orgGuid, String userGuid, OrgRole role) {
        try {
            return sql.update("INSERT INTO ctl_org_roles (org_guid, user_guid, role, created_at) VALUES (?, ?, ?, ?)",
                    orgGuid, userGuid, role.path(), System.currentTimeMillis()) > 0;
        } catch (Sql.DuplicateKeyException e) {
            return false;
        }
    }

    /** @return whether the user did not have the role yet */
    public boolean grant(String spaceGuid, String userGuid, SpaceRole role) {
        try {
            return sql.update("INSERT INTO ctl_space_roles (space_guid, user_guid, role, created_at) VALUES (?, ?, ?, ?)",
                    spaceGuid, userGuid, role.path(), System.currentTimeMillis()) > 0;
        } catch (Sql.DuplicateKeyException e) {
            return false;
        }
    }

    /** @return whether the user had the role */
    public boolean revoke(String orgGuid, String userGuid, OrgRole role) {
        return sql.update("DELETE FROM ctl_org_roles WHERE org_guid = ? AND user_guid = ? AND role = ?", orgGuid,
                userGuid, role.path()) > 0;
    }

    /** @return whether the user had the role */
    public boolean revoke(String spaceGuid, String userGuid, SpaceRole role) {
        return sql.update("DELETE FROM ctl_space_roles WHERE space_guid = ? AND user_guid = ? AND role = ?", spaceGuid,
                userGuid, role.path()) > 0;
    }

    /** Takes every role the user has, in every organization and space. */
    public void revokeAll(String userGuid) {
        sql.update("DELETE FROM ctl_space_roles WHERE user_guid = ?", userGuid);
        sql.update("DELETE FROM ctl_org_roles WHERE user_guid = ?", userGuid);
    }

    /** Takes every role the user has in the organization's spaces. */
    public void revokeSpaceRoles(String orgGuid, String userGuid) {
        sql.update("DELETE FROM ctl_space_roles WHERE user_guid = ? AND space_guid IN"
                + " (SELECT guid FROM ctl_spaces WHERE org_guid = ?)", userGuid, orgGuid);
    }

    /** The guids of the users who have the role. */
    public List<String> holders(String orgGuid, OrgRole role) {
        return sql.list("SELECT user_guid FROM ctl_org_roles WHERE org_guid = ? AND role = ?", rs -> rs.getString(1),
                orgGuid, role.path());
    }

    public List<String> holders(String spaceGuid, SpaceRole role) {
        return sql.list("SELECT user_guid FROM ctl_space_roles WHERE space_guid = ? AND role = ?", rs -> rs.getString(1),
                spaceGuid, role.path());
    }

    public boolean has(String orgGuid, String userGuid, OrgRole role) {
        return sql.count("SELECT COUNT(*) FROM ctl_org_roles WHERE org_guid = ? AND user_guid = ? AND role = ?",
                orgGuid, userGuid, role.path()) > 0;
    }

    /** Every role of one user, and the spaces it can see, read in two queries. */
    public Membership membership(String userGuid) {
        Map<String, Set<OrgRole>> orgs = new HashMap<>();
        sql.list("SELECT org_guid, role FROM ctl_org_roles WHERE user_guid = ?", rs -> {
            String org = rs.getString(1);
            OrgRole.of(rs.getString(2)).ifPresent(r -> orgs.computeIfAbsent(org, k -> EnumSet.noneOf(OrgRole.class)).add(r));
            return null;
        }, userGuid);
        Map<String, Set<SpaceRole>> spaces = new HashMap<>();
        Map<String, String> spaceOrgs = new HashMap<>();
        // every space the user has a role in, and every space of the organizations it manages
        sql.list("SELECT s.guid, s.org_guid, r.role FROM ctl_spaces s LEFT JOIN ctl_space_roles r"
                + " ON r.space_guid = s.guid AND r.user_guid = ? WHERE r.user_guid IS NOT NULL OR s.org_guid IN"
                + " (SELECT org_guid FROM ctl_org_roles WHERE user_guid = ? AND role = ?)", rs -> {
            String space = rs.getString(1);
            spaceOrgs.put(space, rs.getString(2));
            Set<SpaceRole> roles = spaces.computeIfAbsent(space, k -> EnumSet.noneOf(SpaceRole.class));
            String role = rs.getString(3);
            if (role != null) {
                SpaceRole.of(role).ifPresent(roles::add);
            }
            return null;
        }, userGuid, userGuid, OrgRole.MANAGERS.path());
        return new Membership(orgs, spaces, spaceOrgs);
    }
}
