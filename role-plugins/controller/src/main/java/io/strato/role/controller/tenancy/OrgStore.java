package io.strato.role.controller.tenancy;

import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Organizations and spaces in the database. */
public final class OrgStore {

    private static final String ORG_COLUMNS = "guid, name, quota_guid, created_at";
    private static final String SPACE_COLUMNS = "guid, name, org_guid, space_quota_guid, created_at";

    private final Sql sql;

    public OrgStore(Sql sql) {
        this.sql = sql;
    }

    /** @throws Sql.DuplicateKeyException when the name is taken */
    public Organization createOrganization(String guid, String name, String quotaGuid) {
        Organization org = new Organization(guid, name, quotaGuid, System.currentTimeMillis());
        sql.update("INSERT INTO ctl_organizations (" + ORG_COLUMNS + ") VALUES (?, ?, ?, ?)", org.guid(), org.name(),
                org.quotaGuid(), org.createdAt());
        return org;
    }

    public Optional<Organization> organization(String guid) {
        return sql.one("SELECT " + ORG_COLUMNS + " FROM ctl_organizations WHERE guid = ?", OrgStore::org, guid);
    }

    /** Organizations by name (all when null), only those in {@code visible} unless it is null, sorted by name. */
    public List<Organization> organizations(String name, Collection<String> visible) {
        Where where = new Where().eq("name", name).in("guid", visible);
        return where.empty() ? List.of() : sql.list("SELECT " + ORG_COLUMNS + " FROM ctl_organizations" + where.sql()
                + " ORDER BY name", OrgStore::org, where.params());
    }

    /** @throws Sql.DuplicateKeyException when the new name is taken */
    public void updateOrganization(String guid, String name, String quotaGuid) {
        sql.update("UPDATE ctl_organizations SET name = ?, quota_guid = ? WHERE guid = ?", name, quotaGuid, guid);
    }

    /** Deletes an organization without spaces (its roles and space quotas go with it). */
    public boolean deleteOrganization(String guid) {
        return sql.update("DELETE FROM ctl_organizations WHERE guid = ?", guid) > 0;
    }

    /** @throws Sql.DuplicateKeyException when the organization has a space of that name */
    public Space createSpace(String guid, String name, String orgGuid) {
        Space space = new Space(guid, name, orgGuid, null, System.currentTimeMillis());
        sql.update("INSERT INTO ctl_spaces (guid, name, org_guid, created_at) VALUES (?, ?, ?, ?)", space.guid(),
                space.name(), space.orgGuid(), space.createdAt());
        return space;
    }

    public Optional<Space> space(String guid) {
        return sql.one("SELECT " + SPACE_COLUMNS + " FROM ctl_spaces WHERE guid = ?", OrgStore::space, guid);
    }

    /**
     * Spaces by name and organization (any when null), only those in {@code visible} unless it is null, sorted
     * by name.
     */
    public List<Space> spaces(String name, String orgGuid, Collection<String> visible) {
        Where where = new Where().eq("name", name).eq("org_guid", orgGuid).in("guid", visible);
        return where.empty() ? List.of() : sql.list("SELECT " + SPACE_COLUMNS + " FROM ctl_spaces" + where.sql()
                + " ORDER BY name, guid", OrgStore::space, where.params());
    }

    /** @throws Sql.DuplicateKeyException when the new name is taken in the organization */
    public void renameSpace(String guid, String name) {
        sql.update("UPDATE ctl_spaces SET name = ? WHERE guid = ?", name, guid);
    }

    public void setSpaceQuota(String spaceGuid, String spaceQuotaGuid) {
        sql.update("UPDATE ctl_spaces SET space_quota_guid = ? WHERE guid = ?", spaceQuotaGuid, spaceGuid);
    }

    /** Deletes a space that holds nothing any more (its roles go with it). */
    public boolean deleteSpace(String guid) {
        return sql.update("DELETE FROM ctl_spaces WHERE guid = ?", guid) > 0;
    }

    public int appCount(String spaceGuid) {
        return sql.count("SELECT COUNT(*) FROM ctl_apps WHERE space_guid = ?", spaceGuid);
    }

    /** How many apps, routes and service instances a space holds. */
    public int contents(String spaceGuid) {
        return sql.count("SELECT COUNT(*) FROM ctl_apps WHERE space_guid = ?", spaceGuid)
                + sql.count("SELECT COUNT(*) FROM ctl_routes WHERE space_guid = ?", spaceGuid)
                + sql.count("SELECT COUNT(*) FROM ctl_service_instances WHERE space_guid = ?", spaceGuid);
    }

    /** Whether this is the organization or space every app lived in before there were others. */
    public static boolean isDefault(String guid) {
        return ControllerSchema.DEFAULT_ORG_GUID.equals(guid) || ControllerSchema.DEFAULT_SPACE_GUID.equals(guid);
    }

    private static Organization org(ResultSet rs) throws SQLException {
        return new Organization(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4));
    }

    private static Space space(ResultSet rs) throws SQLException {
        return new Space(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
    }
}
