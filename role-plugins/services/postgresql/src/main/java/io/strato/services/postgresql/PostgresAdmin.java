package io.strato.services.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * What the plugin does as superuser: one database and one login role per service instance, the role the
 * only one (besides superusers) allowed to connect to it. The driver is used directly rather than through
 * DriverManager, which does not see drivers of other bundles.
 */
final class PostgresAdmin {

    private final String host;
    private final int port;
    private final String user;
    private final String password;

    PostgresAdmin(String host, int port, String user, String password) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /** Keeps instance roles out of the maintenance databases; done at every start, it is idempotent. */
    void lockDownMaintenanceDatabases() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC");
            s.execute("REVOKE CONNECT ON DATABASE template1 FROM PUBLIC");
        }
    }

    boolean databaseExists(String database) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, database);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Creates role and database; if the database cannot be created the role is dropped again. */
    void createDatabase(String database, String role, String rolePassword) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // names are generated ([a-z0-9_]) and the password is hex: DDL takes no bind parameters
            s.execute("CREATE ROLE " + quote(role) + " LOGIN PASSWORD '" + rolePassword + "'");
            try {
                s.execute("CREATE DATABASE " + quote(database) + " OWNER " + quote(role));
                s.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + quote(database) + " FROM PUBLIC");
                s.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + quote(database) + " TO " + quote(role));
            } catch (SQLException e) {
                s.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
                s.execute("DROP ROLE IF EXISTS " + quote(role));
                throw e;
            }
        }
    }

    /** Drops the database (closing its sessions) and its role. */
    void dropDatabase(String database, String role) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
            s.execute("DROP ROLE IF EXISTS " + quote(role));
        }
    }

    /**
     * Ends every client session. SIGTERM is PostgreSQL's "smart" shutdown, which waits for clients to leave:
     * an app's connection pool would hold it until the supervisor's SIGKILL.
     */
    void endClientSessions() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
        }
    }

    Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        return new Driver().connect("jdbc:postgresql://" + host + ":" + port + "/postgres", props);
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
