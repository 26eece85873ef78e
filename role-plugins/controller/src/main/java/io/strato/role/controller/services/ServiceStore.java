package io.strato.role.controller.services;

import com.fasterxml.jackson.core.type.TypeReference;
import io.strato.api.json.Json;
import io.strato.role.controller.Sql;
import io.strato.role.controller.tenancy.Where;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Service instances and bindings in the controller's database. */
public final class ServiceStore {

    private static final String INSTANCE_COLUMNS = "guid, name, space_guid, label, plan, tags, node_id, broker_url,"
            + " created_at";
    private static final String BINDING_COLUMNS = "guid, instance_guid, app_guid, credentials, created_at";

    private final Sql sql;

    public ServiceStore(Sql sql) {
        this.sql = sql;
    }

    /** @throws Sql.DuplicateKeyException when the space has a service instance of that name */
    public void create(ManagedServiceInstance i) {
        sql.update("INSERT INTO ctl_service_instances (" + INSTANCE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                i.guid(), i.name(), i.spaceGuid(), i.label(), i.plan(), Json.write(i.tags()), i.nodeId(),
                i.brokerUrl(), i.createdAt());
    }

    public Optional<ManagedServiceInstance> instance(String guid) {
        return sql.one("SELECT " + INSTANCE_COLUMNS + " FROM ctl_service_instances WHERE guid = ?",
                ServiceStore::instance, guid);
    }

    public boolean nameTaken(String spaceGuid, String name) {
        return sql.count("SELECT COUNT(*) FROM ctl_service_instances WHERE space_guid = ? AND name = ?", spaceGuid,
                name) > 0;
    }

    /** Instances by name and space (any when null), only in the spaces {@code visible} holds unless it is null. */
    public List<ManagedServiceInstance> instances(String name, String spaceGuid, Collection<String> visible) {
        Where where = new Where().eq("name", name).eq("space_guid", spaceGuid).in("space_guid", visible);
        return where.empty() ? List.of() : sql.list("SELECT " + INSTANCE_COLUMNS + " FROM ctl_service_instances"
                + where.sql() + " ORDER BY name, guid", ServiceStore::instance, where.params());
    }

    /** How many instances of a label each node holds, to spread new ones. */
    public int instancesOn(String nodeId, String label) {
        return sql.count("SELECT COUNT(*) FROM ctl_service_instances WHERE node_id = ? AND label = ?", nodeId, label);
    }

    public void deleteInstance(String guid) {
        sql.update("DELETE FROM ctl_service_instances WHERE guid = ?", guid);
    }

    /** @throws Sql.DuplicateKeyException when the app is bound to the instance already */
    public void create(ServiceBinding b) {
        sql.update("INSERT INTO ctl_service_bindings (" + BINDING_COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
                b.guid(), b.instanceGuid(), b.appGuid(), b.credentials(), b.createdAt());
    }

    public Optional<ServiceBinding> binding(String guid) {
        return sql.one("SELECT " + BINDING_COLUMNS + " FROM ctl_service_bindings WHERE guid = ?",
                ServiceStore::binding, guid);
    }

    /** Bindings, optionally only those of one app and/or one instance, oldest first. */
    public List<ServiceBinding> bindings(String appGuid, String instanceGuid) {
        return bindings(appGuid, instanceGuid, null);
    }

    /** Bindings of one app and/or instance (any when null), only of apps in the spaces {@code visible} holds unless null. */
    public List<ServiceBinding> bindings(String appGuid, String instanceGuid, Collection<String> visible) {
        Where where = new Where().eq("b.app_guid", appGuid).eq("b.instance_guid", instanceGuid)
                .in("a.space_guid", visible);
        return where.empty() ? List.of() : sql.list("SELECT b.guid, b.instance_guid, b.app_guid, b.credentials,"
                + " b.created_at FROM ctl_service_bindings b JOIN ctl_apps a ON a.guid = b.app_guid" + where.sql()
                + " ORDER BY b.created_at, b.guid", ServiceStore::binding, where.params());
    }

    /** The space of an app (null when there is no such app). */
    public String spaceOfApp(String appGuid) {
        return sql.one("SELECT space_guid FROM ctl_apps WHERE guid = ?", rs -> rs.getString(1), appGuid).orElse(null);
    }

    public boolean bound(String instanceGuid, String appGuid) {
        return sql.count("SELECT COUNT(*) FROM ctl_service_bindings WHERE instance_guid = ? AND app_guid = ?",
                instanceGuid, appGuid) > 0;
    }

    public void deleteBinding(String guid) {
        sql.update("DELETE FROM ctl_service_bindings WHERE guid = ?", guid);
    }

    private static ManagedServiceInstance instance(ResultSet rs) throws SQLException {
        return new ManagedServiceInstance(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), tags(rs.getString(6)), rs.getString(7), rs.getString(8), rs.getLong(9));
    }

    private static ServiceBinding binding(ResultSet rs) throws SQLException {
        return new ServiceBinding(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
    }

    private static List<String> tags(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            return List.of();
        }
    }
}
