package io.strato.role.primary;

import io.strato.api.cluster.ClusterConfig;
import io.strato.api.store.Database;
import io.strato.api.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

/** The cluster configuration row in the primary's database. */
final class ClusterConfigStore {

    static final List<String> SCHEMA = List.of(
            "CREATE TABLE cluster_config (id INT NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL, "
                    + "app_domain VARCHAR(253) NOT NULL, secret VARCHAR(256) NOT NULL, updated_at TIMESTAMP NOT NULL)");

    /** The stored configuration and the secret nodes attach with. */
    record Stored(ClusterConfig config, String secret) {
    }

    private final Database database;

    ClusterConfigStore(Database database) throws StoreException {
        this.database = database;
        database.migrate("primary", SCHEMA);
    }

    Optional<Stored> load() throws StoreException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name, app_domain, secret FROM cluster_config WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Stored(new ClusterConfig(rs.getString(1), rs.getString(2)), rs.getString(3)))
                    : Optional.empty();
        } catch (SQLException e) {
            throw new StoreException("cannot read the cluster configuration: " + e.getMessage(), e);
        }
    }

    /** The stored configuration; on the first start of this primary, {@code initial} with this node's secret. */
    ClusterConfig loadOrCreate(ClusterConfig initial, String nodeSecret) throws StoreException {
        Optional<Stored> stored = load();
        if (stored.isPresent()) {
            return stored.get().config();
        }
        execute("INSERT INTO cluster_config (name, app_domain, secret, updated_at, id) VALUES (?, ?, ?, ?, 1)",
                initial.name(), initial.appDomain(), nodeSecret);
        return initial;
    }

    void save(ClusterConfig config) throws StoreException {
        execute("UPDATE cluster_config SET name = ?, app_domain = ?, updated_at = ? WHERE id = 1",
                config.name(), config.appDomain(), null);
    }

    private void execute(String sql, String name, String domain, String secret) throws StoreException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, name);
            ps.setString(i++, domain);
            if (secret != null) {
                ps.setString(i++, secret);
            }
            ps.setTimestamp(i, new Timestamp(System.currentTimeMillis()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot write the cluster configuration: " + e.getMessage(), e);
        }
    }
}
