package io.strato.store;

import io.strato.api.store.Database;
import io.strato.api.store.Dialect;
import io.strato.api.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link Database} over any JDBC {@link DataSource}. Schema versions are recorded per component in
 * {@code STRATO_SCHEMA}; each version is applied in its own transaction together with its record, so a
 * crash in the middle leaves either the old or the new version, never half of one. Several nodes may migrate
 * one shared database at once: each version's transaction first locks {@code STRATO_SCHEMA} exclusively
 * and re-reads the version, so a version is applied by exactly one of them and the others skip it.
 */
public final class JdbcDatabase implements Database {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcDatabase.class);

    private final DataSource dataSource;
    private final String location;
    private final Dialect dialect;

    public JdbcDatabase(DataSource dataSource, String location) throws StoreException {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.location = Objects.requireNonNull(location, "location");
        this.dialect = createSchemaTable();
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public synchronized int migrate(String component, List<String> statements) throws StoreException {
        int before = currentVersion(component);
        int applied = 0;
        for (int version = before + 1; version <= statements.size(); version++) {
            if (apply(component, version, statements.get(version - 1))) {
                applied++;
            }
        }
        if (applied > 0) {
            LOG.info("Database schema of {} upgraded from version {} to {} ({})", component, before, statements.size(), location);
        }
        return applied;
    }

    /** The highest applied version of a component's schema, 0 when none. */
    public int currentVersion(String component) throws StoreException {
        try (Connection c = dataSource.getConnection()) {
            return currentVersion(c, component);
        } catch (SQLException e) {
            throw new StoreException("cannot read the schema version of " + component + " from " + location, e);
        }
    }

    private static int currentVersion(Connection c, String component) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM strato_schema WHERE component = ?")) {
            ps.setString(1, component);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Applies one version unless another node did meanwhile: the exclusive table lock is held until commit,
     * so whoever gets it second sees the first one's record. @return whether this call applied it
     */
    private boolean apply(String component, int version, String sql) throws StoreException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement();
                 PreparedStatement record = c.prepareStatement(
                         "INSERT INTO strato_schema (component, version, applied_at) VALUES (?, ?, ?)")) {
                st.execute("LOCK TABLE strato_schema IN EXCLUSIVE MODE");
                if (currentVersion(c, component) >= version) {
                    c.commit();
                    return false;
                }
                st.execute(sql);
                record.setString(1, component);
                record.setInt(2, version);
                record.setTimestamp(3, new Timestamp(System.currentTimeMillis()));
                record.executeUpdate();
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("schema version " + version + " of " + component + " failed: " + e.getMessage(), e);
        }
    }

    /** Creates {@code STRATO_SCHEMA} unless there; another node creating it at the same moment is fine. */
    private Dialect createSchemaTable() throws StoreException {
        try (Connection c = dataSource.getConnection()) {
            Dialect found = dialectOf(c);
            if (tableExists(c, "STRATO_SCHEMA")) {
                return found;
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE strato_schema (component VARCHAR(128) NOT NULL, version INT NOT NULL, "
                        + "applied_at TIMESTAMP NOT NULL, PRIMARY KEY (component, version))");
            } catch (SQLException e) {
                if (!tableExists(c, "STRATO_SCHEMA")) {
                    throw e;
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("cannot open the database at " + location + ": " + e.getMessage(), e);
        }
    }

    static Dialect dialectOf(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        if (product.toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
            return Dialect.POSTGRESQL;
        }
        if (product.toLowerCase(java.util.Locale.ROOT).contains("derby")) {
            return Dialect.DERBY;
        }
        throw new SQLException("Strato stores its data in Derby or PostgreSQL; " + product + " is not supported");
    }

    private static boolean tableExists(Connection c, String name) throws SQLException {
        for (String candidate : List.of(name, name.toLowerCase(java.util.Locale.ROOT))) {
            try (ResultSet rs = c.getMetaData().getTables(null, null, candidate, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
