package io.strato.services.postgresql;

import io.strato.api.service.process.HealthSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * What the plugin does as superuser. An instance is a database owned by a group role that cannot log in;
 * each binding is a login role that is a member of it, so all bindings share the instance's tables and
 * unbind can drop exactly one app's access. Only these roles may connect to the database. The driver is
 * used directly rather than through DriverManager, which does not see drivers of other bundles.
 * Names are generated ([a-z0-9_]) and passwords are hex: DDL takes no bind parameters.
 */
final class PostgresAdmin {

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final ServerCheck serverCheck;
    private final HealthSession health = new HealthSession(() -> connect("postgres"), 5);

    /** Says, before every login, whether the server on the port is the one the password is for. */
    @FunctionalInterface
    interface ServerCheck {
        void require() throws SQLException;
    }

    PostgresAdmin(String host, int port, String user, String password) {
        this(host, port, user, password, () -> { });
    }

    /** @param serverCheck fails when another program listens on the port: it must not get the superuser's password */
    PostgresAdmin(String host, int port, String user, String password, ServerCheck serverCheck) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.serverCheck = serverCheck;
    }

    /** Keeps instance roles out of the maintenance databases; done at every start, it is idempotent. */
    void lockDownMaintenanceDatabases() throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC");
            s.execute("REVOKE CONNECT ON DATABASE template1 FROM PUBLIC");
        }
    }

    boolean databaseExists(String database) throws SQLException {
        try (Connection c = connect("postgres");
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, database);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Creates the owner role and its database; if the database cannot be created the role is dropped again. */
    void createDatabase(String database, String owner) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + quote(owner) + " NOLOGIN");
            try {
                s.execute("CREATE DATABASE " + quote(database) + " OWNER " + quote(owner));
                s.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + quote(database) + " FROM PUBLIC");
                s.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + quote(database) + " TO " + quote(owner));
            } catch (SQLException e) {
                s.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
                s.execute("DROP ROLE IF EXISTS " + quote(owner));
                throw e;
            }
        }
    }

    /**
     * A login role for one binding. It acts as the owner role from login on, so what one app creates the
     * instance's other bindings can use, and nothing is left owned by a binding when it is dropped.
     */
    void createLogin(String owner, String login, String loginPassword) throws SQLException {
        boolean rebind = roleExists(login);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            if (rebind) {
                // the same binding asked again (a retry): its new credentials replace the old ones
                s.execute("ALTER ROLE " + quote(login) + " LOGIN PASSWORD '" + loginPassword + "'");
                s.execute("GRANT " + quote(owner) + " TO " + quote(login));
            } else {
                s.execute("CREATE ROLE " + quote(login) + " LOGIN PASSWORD '" + loginPassword + "' IN ROLE " + quote(owner));
            }
            s.execute("ALTER ROLE " + quote(login) + " SET role = " + quote(owner));
        }
    }

    /** Ends the binding's sessions and drops its role; what it owns anyway (after RESET ROLE) goes to the owner. */
    void dropLogin(String database, String owner, String login) throws SQLException {
        if (!roleExists(login)) {
            return;
        }
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute("REASSIGN OWNED BY " + quote(login) + " TO " + quote(owner));
            s.execute("DROP OWNED BY " + quote(login));
        }
        try (Connection c = connect("postgres"); PreparedStatement end = c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?"); Statement s = c.createStatement()) {
            end.setString(1, login);
            end.execute();
            s.execute("DROP ROLE " + quote(login));
        }
    }

    /** Drops the database (ending its sessions), every binding's role and the owner role. */
    void dropDatabase(String database, String owner) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement(); PreparedStatement end = c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
            s.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
            for (String login : members(c, owner)) {
                end.setString(1, login);
                end.execute();
                s.execute("DROP ROLE " + quote(login));
            }
            s.execute("DROP ROLE IF EXISTS " + quote(owner));
        }
    }

    /**
     * Ends every client session. SIGTERM is PostgreSQL's "smart" shutdown, which waits for clients to leave:
     * an app's connection pool would hold it until the supervisor's SIGKILL.
     */
    void endClientSessions() throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
        }
    }

    /** Fails unless the server answers: one superuser session kept open and pinged (see {@link HealthSession}). */
    void requireAnswer() throws SQLException {
        health.requireAnswer();
    }

    void closeHealthSession() {
        health.close();
    }

    Connection connect(String database) throws SQLException {
        serverCheck.require();
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        return new Driver().connect("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
    }

    private boolean roleExists(String role) throws SQLException {
        try (Connection c = connect("postgres"); PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            s.setString(1, role);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static List<String> members(Connection c, String group) throws SQLException {
        List<String> members = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT m.rolname FROM pg_auth_members a"
                + " JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.roleid WHERE g.rolname = ?")) {
            s.setString(1, group);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    members.add(r.getString(1));
                }
            }
        }
        return members;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
