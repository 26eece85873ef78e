package io.strato.broker;

import com.fasterxml.jackson.core.type.TypeReference;
import io.strato.api.json.Json;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceInstance;
import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The service instances and bindings this node's broker made, in the node's database: a plugin keeps no
 * state of its own, so after a restart the broker still hands each plugin the instance it provisioned.
 */
final class BrokerStore {

    static final String COMPONENT = "broker";

    /** Statement {@code i} is schema version {@code i + 1}: only ever append. */
    static final List<String> STATEMENTS = List.of(
            "CREATE TABLE brk_instances (id VARCHAR(64) NOT NULL PRIMARY KEY, label VARCHAR(64) NOT NULL,"
                    + " plan VARCHAR(255) NOT NULL, details VARCHAR(32672) NOT NULL, created_at BIGINT NOT NULL)",
            "CREATE TABLE brk_bindings (id VARCHAR(64) NOT NULL PRIMARY KEY,"
                    + " instance_id VARCHAR(64) NOT NULL REFERENCES brk_instances(id), created_at BIGINT NOT NULL)",
            // the app a binding is for, and the uid its instances run as (0: bound before requests carried one)
            "ALTER TABLE brk_bindings ADD COLUMN app_guid VARCHAR(64) DEFAULT '' NOT NULL",
            "ALTER TABLE brk_bindings ADD COLUMN app_uid INT DEFAULT 0 NOT NULL");

    /** An instance and the label of the plugin that made it. */
    record Stored(String label, ServiceInstance instance) {
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;

    BrokerStore(Database database) throws StoreException {
        database.migrate(COMPONENT, STATEMENTS);
        this.dataSource = database.dataSource();
    }

    void addInstance(String label, ServiceInstance instance) throws SQLException {
        update("INSERT INTO brk_instances (id, label, plan, details, created_at) VALUES (?, ?, ?, ?, ?)",
                instance.id(), label, instance.plan(), Json.write(instance.details()), System.currentTimeMillis());
    }

    Optional<Stored> instance(String id) throws SQLException {
        List<Stored> found = query("SELECT label, id, plan, details FROM brk_instances WHERE id = ?",
                rs -> new Stored(rs.getString(1), new ServiceInstance(rs.getString(2), rs.getString(3),
                        details(rs.getString(4)))), id);
        return found.stream().findFirst();
    }

    void removeInstance(String id) throws SQLException {
        update("DELETE FROM brk_instances WHERE id = ?", id);
    }

    void addBinding(ServiceBinding binding, String instanceId) throws SQLException {
        update("INSERT INTO brk_bindings (id, instance_id, created_at, app_guid, app_uid) VALUES (?, ?, ?, ?, ?)",
                binding.bindingId(), instanceId, System.currentTimeMillis(), binding.appGuid(), binding.appUid());
    }

    /** The instance a binding belongs to. */
    Optional<String> bindingInstance(String bindingId) throws SQLException {
        return query("SELECT instance_id FROM brk_bindings WHERE id = ?", rs -> rs.getString(1), bindingId)
                .stream().findFirst();
    }

    /** The bindings of an instance, oldest first. */
    List<ServiceBinding> bindingsOf(String instanceId) throws SQLException {
        return query("SELECT id, app_guid, app_uid FROM brk_bindings WHERE instance_id = ? ORDER BY created_at",
                BrokerStore::binding, instanceId);
    }

    /** A binding of the instance, when there is one with that id. */
    Optional<ServiceBinding> binding(String instanceId, String bindingId) throws SQLException {
        return query("SELECT id, app_guid, app_uid FROM brk_bindings WHERE instance_id = ? AND id = ?",
                BrokerStore::binding, instanceId, bindingId).stream().findFirst();
    }

    private static ServiceBinding binding(ResultSet rs) throws SQLException {
        return new ServiceBinding(rs.getString(1), rs.getString(2), rs.getInt(3));
    }

    void removeBinding(String id) throws SQLException {
        update("DELETE FROM brk_bindings WHERE id = ?", id);
    }

    private static Map<String, String> details(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable details of a service instance: " + e.getMessage(), e);
        }
    }

    private void update(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            ps.executeUpdate();
        }
    }

    private <T> List<T> query(String sql, Row<T> row, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params);
             ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.read(rs));
            }
            return out;
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }
}
