package io.strato.role.controller.tenancy;

import io.strato.role.controller.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Quota definitions of organizations and space quota definitions, in the database. */
public final class QuotaStore {

    private static final String LIMITS = "non_basic_services_allowed, total_services, total_routes, memory_limit,"
            + " instance_memory_limit, app_instance_limit, created_at, updated_at";
    private static final String ORG_QUOTAS = "ctl_quota_definitions";
    private static final String SPACE_QUOTAS = "ctl_space_quota_definitions";

    private final Sql sql;

    public QuotaStore(Sql sql) {
        this.sql = sql;
    }

    /** @throws Sql.DuplicateKeyException when the name is taken (in the organization, for a space quota) */
    public void create(Quota q) {
        if (q.orgGuid() == null) {
            sql.update("INSERT INTO " + ORG_QUOTAS + " (guid, name, " + LIMITS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    q.guid(), q.name(), q.nonBasicServicesAllowed(), q.totalServices(), q.totalRoutes(), q.memoryLimit(),
                    q.instanceMemoryLimit(), q.appInstanceLimit(), q.createdAt(), q.updatedAt());
        } else {
            sql.update("INSERT INTO " + SPACE_QUOTAS + " (guid, name, org_guid, " + LIMITS
                            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", q.guid(), q.name(), q.orgGuid(),
                    q.nonBasicServicesAllowed(), q.totalServices(), q.totalRoutes(), q.memoryLimit(),
                    q.instanceMemoryLimit(), q.appInstanceLimit(), q.createdAt(), q.updatedAt());
        }
    }

    /** @throws Sql.DuplicateKeyException when the new name is taken */
    public void update(Quota q) {
        sql.update("UPDATE " + table(q) + " SET name = ?, non_basic_services_allowed = ?, total_services = ?,"
                        + " total_routes = ?, memory_limit = ?, instance_memory_limit = ?, app_instance_limit = ?,"
                        + " updated_at = ? WHERE guid = ?", q.name(), q.nonBasicServicesAllowed(), q.totalServices(),
                q.totalRoutes(), q.memoryLimit(), q.instanceMemoryLimit(), q.appInstanceLimit(), q.updatedAt(), q.guid());
    }

    /** Deletes a quota; the spaces a space quota was given to go on under their organization's quota alone. */
    public boolean delete(Quota q) {
        if (q.orgGuid() != null) {
            sql.update("UPDATE ctl_spaces SET space_quota_guid = NULL WHERE space_quota_guid = ?", q.guid());
        }
        return sql.update("DELETE FROM " + table(q) + " WHERE guid = ?", q.guid()) > 0;
    }

    public Optional<Quota> orgQuota(String guid) {
        return sql.one("SELECT guid, name, CAST(NULL AS VARCHAR(36)), " + LIMITS + " FROM " + ORG_QUOTAS
                + " WHERE guid = ?", QuotaStore::read, guid);
    }

    public List<Quota> orgQuotas(String name) {
        Where where = new Where().eq("name", name);
        return sql.list("SELECT guid, name, CAST(NULL AS VARCHAR(36)), " + LIMITS + " FROM " + ORG_QUOTAS + where.sql()
                + " ORDER BY name", QuotaStore::read, where.params());
    }

    public Optional<Quota> spaceQuota(String guid) {
        return sql.one("SELECT guid, name, org_guid, " + LIMITS + " FROM " + SPACE_QUOTAS + " WHERE guid = ?",
                QuotaStore::read, guid);
    }

    /** Space quotas by name and organization (any when null), of the organizations in {@code orgs} unless null. */
    public List<Quota> spaceQuotas(String name, String orgGuid, Collection<String> orgs) {
        Where where = new Where().eq("name", name).eq("org_guid", orgGuid).in("org_guid", orgs);
        return where.empty() ? List.of() : sql.list("SELECT guid, name, org_guid, " + LIMITS + " FROM " + SPACE_QUOTAS
                + where.sql() + " ORDER BY name", QuotaStore::read, where.params());
    }

    /** How many organizations use an organization quota. */
    public int organizationsUsing(String quotaGuid) {
        return sql.count("SELECT COUNT(*) FROM ctl_organizations WHERE quota_guid = ?", quotaGuid);
    }

    private static String table(Quota q) {
        return q.orgGuid() == null ? ORG_QUOTAS : SPACE_QUOTAS;
    }

    private static Quota read(ResultSet rs) throws SQLException {
        return new Quota(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getInt(5),
                rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getLong(10), rs.getLong(11));
    }
}
