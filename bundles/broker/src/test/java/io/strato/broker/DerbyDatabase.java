package io.strato.broker;

import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.apache.derby.jdbc.EmbeddedDataSource;

/** A real embedded Derby database in target/, opened again by a restarted broker, with the migration contract of {@link Database}. */
public final class DerbyDatabase implements Database, AutoCloseable {

    private final EmbeddedDataSource dataSource = new EmbeddedDataSource();
    private final String location;

    public DerbyDatabase(Path dir) throws SQLException {
        location = dir.toAbsolutePath().toString();
        dataSource.setDatabaseName(location);
        dataSource.setCreateDatabase("create");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // opened again after a restart: the table is there already
            if (!c.getMetaData().getTables(null, null, "SCHEMA_VERSIONS", null).next()) {
                s.execute("CREATE TABLE schema_versions (component VARCHAR(64) PRIMARY KEY, version INT NOT NULL)");
            }
        }
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public synchronized int migrate(String component, List<String> statements) throws StoreException {
        try (Connection c = dataSource.getConnection()) {
            int current = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM schema_versions WHERE component = ?")) {
                ps.setString(1, component);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        current = rs.getInt(1);
                    }
                }
            }
            int applied = 0;
            for (int i = current; i < statements.size(); i++) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute(statements.get(i));
                    s.executeUpdate(i == 0
                            ? "INSERT INTO schema_versions VALUES ('" + component + "', 1)"
                            : "UPDATE schema_versions SET version = " + (i + 1) + " WHERE component = '" + component + "'");
                }
                c.commit();
                applied++;
            }
            return applied;
        } catch (SQLException e) {
            throw new StoreException("migrating " + component + " failed", e);
        }
    }

    @Override
    public String location() {
        return "jdbc:derby:" + location;
    }

    @Override
    public void close() {
        EmbeddedDataSource shutdown = new EmbeddedDataSource();
        shutdown.setDatabaseName(location);
        shutdown.setShutdownDatabase("shutdown");
        try {
            shutdown.getConnection().close();
        } catch (SQLException expected) {
            // Derby reports a successful shutdown as an exception
        }
    }
}
