package io.strato.services.mysql;

import io.strato.api.service.process.HealthSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.mariadb.jdbc.Driver;

/**
 * What the plugin does as admin. An instance is a database; each binding is a user with ALL PRIVILEGES on
 * that database and nothing else, so all bindings share the instance's tables and unbind can drop exactly one
 * app's access. Plain CREATE USER / GRANT / DROP USER, which MariaDB and MySQL (as an external server) both
 * understand. The driver is used directly rather than through DriverManager, which does not see drivers of
 * other bundles. Names are generated ([a-z0-9_]) and passwords are hex: DDL takes no bind parameters.
 */
final class MysqlAdmin {

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final ServerCheck serverCheck;
    private final HealthSession health = new HealthSession(this::connect, 5);

    /** Says, before every login, whether the server on the port is the one the password is for. */
    @FunctionalInterface
    interface ServerCheck {
        void require() throws SQLException;
    }

    MysqlAdmin(String host, int port, String user, String password) {
        this(host, port, user, password, () -> { });
    }

    /** @param serverCheck fails when another program listens on the port: it must not get the admin's password */
    MysqlAdmin(String host, int port, String user, String password, ServerCheck serverCheck) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.serverCheck = serverCheck;
    }

    /** Anonymous accounts would let anyone in without a password; done at every start of the own server. */
    void dropAnonymousUsers() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String[] account : accounts(c, "SELECT User, Host FROM mysql.user WHERE User = ''", null)) {
                s.execute("DROP USER " + account(account[0], account[1]));
            }
        }
    }

    boolean databaseExists(String database) throws SQLException {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            s.setString(1, database);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    void createDatabase(String database) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + quote(database) + " CHARACTER SET utf8mb4");
        }
    }

    /**
     * A user for one binding with every privilege on the instance's database. The same binding asked again
     * (a retry) gets a new password. A user this call created is dropped again if the grant fails.
     */
    void createLogin(String database, String login, String loginPassword) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            boolean existed = userExists(c, login);
            try {
                if (existed) {
                    s.execute("ALTER USER " + account(login, "%") + " IDENTIFIED BY '" + loginPassword + "'");
                } else {
                    s.execute("CREATE USER " + account(login, "%") + " IDENTIFIED BY '" + loginPassword + "'");
                }
                s.execute("GRANT ALL PRIVILEGES ON " + grantPattern(database) + ".* TO " + account(login, "%"));
            } catch (SQLException e) {
                if (!existed) {
                    s.execute("DROP USER IF EXISTS " + account(login, "%"));
                }
                throw e;
            }
        }
    }

    /** Drops the binding's user and ends its sessions: its credentials stop working at once. */
    void dropLogin(String login) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP USER IF EXISTS " + account(login, "%"));
            endSessions(c, login);
        }
    }

    /** Drops every user that has privileges on the database (its bindings, ending their sessions), then the database. */
    void dropDatabase(String database) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            List<String[]> users = accounts(c, "SELECT User, Host FROM mysql.db WHERE Db = ?", escapePattern(database));
            for (String[] account : users) {
                if (account[0].equals(user)) {
                    continue;
                }
                s.execute("DROP USER IF EXISTS " + account(account[0], account[1]));
                endSessions(c, account[0]);
            }
            s.execute("DROP DATABASE IF EXISTS " + quote(database));
        }
    }

    /** Users with privileges on the database; for tests and diagnostics. */
    List<String> usersOf(String database) throws SQLException {
        try (Connection c = connect()) {
            return accounts(c, "SELECT User, Host FROM mysql.db WHERE Db = ?", escapePattern(database)).stream().map(a -> a[0]).toList();
        }
    }

    /** Fails unless the server answers: one admin session kept open and pinged (see {@link HealthSession}). */
    void requireAnswer() throws SQLException {
        health.requireAnswer();
    }

    void closeHealthSession() {
        health.close();
    }

    Connection connect() throws SQLException {
        serverCheck.require();
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10000");
        return new Driver().connect("jdbc:mariadb://" + host + ":" + port + "/", props);
    }

    private static void endSessions(Connection c, String login) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?")) {
            q.setString(1, login);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getLong(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (long id : ids) {
                try {
                    s.execute("KILL CONNECTION " + id);
                } catch (SQLException gone) {
                    // the session ended by itself meanwhile
                }
            }
        }
    }

    private static boolean userExists(Connection c, String login) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'")) {
            q.setString(1, login);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    private static List<String[]> accounts(Connection c, String sql, String parameter) throws SQLException {
        List<String[]> accounts = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql)) {
            if (parameter != null) {
                q.setString(1, parameter);
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    accounts.add(new String[] {r.getString(1), r.getString(2)});
                }
            }
        }
        return accounts;
    }

    /** In GRANT, _ and % in a database name are wildcards: d_a would also match dXa. */
    private static String escapePattern(String database) {
        return database.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%");
    }

    private static String grantPattern(String database) {
        return quote(escapePattern(database));
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private static String account(String name, String host) {
        return "'" + name.replace("'", "''") + "'@'" + host.replace("'", "''") + "'";
    }
}
