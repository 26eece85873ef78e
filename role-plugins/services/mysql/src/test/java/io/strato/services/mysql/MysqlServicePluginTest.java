package io.strato.services.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.process.AdminLogin;
import io.strato.api.service.process.PortAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mariadb.jdbc.Driver;

/** One real MariaDB server for the class: the first start creates the system tables. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MysqlServicePluginTest {

    /** Under target/ rather than a @TempDir: /tmp/junit* is private to root, and the server runs as its own user. */
    private final Path dataDir = Path.of("target", "mysql-test-" + System.nanoTime()).toAbsolutePath();

    private final int port = freePort();

    private MysqlServicePlugin plugin;

    private static int freePort() {
        try {
            return new PortAllocator("127.0.0.1", 23306, 23406).allocate(Set.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    void startServer() {
        plugin = new MysqlServicePlugin(config());
        assertTrue(plugin.health().up(), plugin.health().detail());
    }

    @AfterAll
    void stopServer() throws IOException {
        plugin.deactivate();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private MysqlServicePlugin.Config config() {
        return new MysqlServicePlugin.Config() {
            public String dataDir() { return dataDir.toString(); }
            public String host() { return "127.0.0.1"; }
            public int port() { return port; }
            public int bufferPoolMb() { return 32; }
            public String runAs() { return ""; }
            public int startTimeoutSeconds() { return 60; }
            public String externalHost() { return ""; }
            public int externalPort() { return 3306; }
            public String adminUser() { return "root"; }
            public String adminPassword() { return ""; }
            public Class<? extends Annotation> annotationType() { return MysqlServicePlugin.Config.class; }
        };
    }

    private Connection connect(String database, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return new Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/" + database, props);
    }

    private Connection connect(ServiceCredentials c) throws SQLException {
        return connect(c.name(), c.username(), c.password());
    }

    @Test
    void eachInstanceIsADatabaseOnlyItsBindingsCanOpen() throws Exception {
        ServiceInstance first = plugin.provision("4c1f9a2e-0b7d-4f55-9a33-1d2c3b4a5f60", "free", Map.of());
        ServiceInstance second = plugin.provision("4c1f-second", "free", Map.of());
        ServiceCredentials a = plugin.bind(first, new ServiceBinding("7e0c1a9b-2f4d-4b8e-a6c5-0d9e8f7a6b51", "app-guid", 20001));
        ServiceCredentials b = plugin.bind(second, new ServiceBinding("binding-b", "app-guid", 20001));
        assertEquals("mysql://" + a.username() + ":" + a.password() + "@127.0.0.1:" + port + "/" + a.name(), a.uri());
        assertTrue(a.username().length() <= 32, a.username());
        Map<String, Object> keys = a.toMap();
        for (String key : List.of("uri", "name", "hostname", "host", "port", "username", "user", "password")) {
            assertTrue(keys.containsKey(key), key);
        }

        try (Connection c = connect(a); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE greeting (text varchar(20))");
            s.execute("INSERT INTO greeting VALUES ('hello')");
            try (ResultSet r = s.executeQuery("SELECT text FROM greeting")) {
                assertTrue(r.next());
                assertEquals("hello", r.getString(1));
            }
            assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM " + b.name() + ".greeting"),
                    "the first instance's binding must not read the second instance's database");
            assertThrows(SQLException.class, () -> s.executeQuery("SELECT User FROM mysql.user"),
                    "bindings must not read the grant tables");
            assertThrows(SQLException.class, () -> s.execute("CREATE DATABASE other"), "bindings must not create databases");
        }

        assertThrows(SQLException.class, () -> connect(b.name(), a.username(), a.password()).close(),
                "the first instance's binding must not connect to the second instance's database");
        assertThrows(SQLException.class, () -> connect(b.name(), b.username(), a.password()).close(),
                "a wrong password must be refused");
        assertThrows(SQLException.class, () -> connect(b.name(), b.username(), "").close(), "an empty password must be refused");
        connect(b).close();

        plugin.unbind(first, new ServiceBinding("7e0c1a9b-2f4d-4b8e-a6c5-0d9e8f7a6b51", "app-guid", 20001));
        assertThrows(SQLException.class, () -> connect(a).close(), "unbound credentials must stop working");
        plugin.deprovision(first);
        plugin.deprovision(second);

        assertThrows(SQLException.class, () -> connect(b).close(), "deprovisioned credentials must stop working");
        assertFalse(plugin.admin().databaseExists(a.name()));
        assertFalse(plugin.admin().databaseExists(b.name()));
        assertEquals(List.of(), accounts().stream().filter(u -> u.equals(a.username()) || u.equals(b.username())).toList());
    }

    /**
     * Health checks ride one admin session: no new login, no look at who holds the port, while it lives. When it
     * ends (the server restarted), the next check asks who holds the port before it sends the password again.
     */
    @Test
    void healthChecksLogInOnceAndCheckThePortOwnerBeforeEveryNewLogin() throws Exception {
        AdminLogin login = AdminLogin.load(dataDir.resolve("admin.properties"));
        AtomicInteger ownerChecks = new AtomicInteger();
        AtomicBoolean strangerOnPort = new AtomicBoolean();
        MysqlAdmin admin = new MysqlAdmin("127.0.0.1", port, login.user(), login.password(), () -> {
            ownerChecks.incrementAndGet();
            if (strangerOnPort.get()) {
                throw new SQLException("another program listens on the port");
            }
        });
        try {
            for (int i = 0; i < 5; i++) {
                admin.requireAnswer();
            }
            assertEquals(1, ownerChecks.get(), "five checks, one login");

            try (Connection c = admin.connect(); Statement s = c.createStatement()) {
                List<Long> others = new ArrayList<>();
                try (ResultSet r = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST"
                        + " WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AND ID <> CONNECTION_ID()")) {
                    while (r.next()) {
                        others.add(r.getLong(1));
                    }
                }
                for (long id : others) {
                    s.execute("KILL " + id);
                }
            }
            strangerOnPort.set(true);
            SQLException refused = assertThrows(SQLException.class, admin::requireAnswer);
            assertEquals("another program listens on the port", refused.getMessage());
            assertEquals(3, ownerChecks.get(), "the broken session is replaced only after the port owner is checked");
        } finally {
            admin.closeHealthSession();
        }
    }

    @Test
    void bindingsShareTheInstanceAndUnbindRevokesOnlyItsOwnCredentials() throws Exception {
        ServiceInstance instance = plugin.provision("shared", "free", Map.of());
        ServiceCredentials web = plugin.bind(instance, new ServiceBinding("web", "app-guid", 20001));
        ServiceCredentials worker = plugin.bind(instance, new ServiceBinding("worker", "app-guid", 20001));
        assertNotEquals(web.username(), worker.username());

        Connection open = connect(web);
        try (Statement s = open.createStatement()) {
            s.execute("CREATE TABLE jobs (id int)");
            s.execute("INSERT INTO jobs VALUES (1)");
        }
        try (Connection c = connect(worker); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id FROM jobs")) {
            assertTrue(r.next(), "the other binding sees the table");
        }

        plugin.unbind(instance, new ServiceBinding("web", "app-guid", 20001));

        assertThrows(SQLException.class, () -> connect(web).close(), "unbound credentials must stop working");
        assertThrows(SQLException.class, () -> open.createStatement().execute("SELECT 1"), "its open session is ended");
        connect(worker).close();

        ServiceCredentials retried = plugin.bind(instance, new ServiceBinding("worker", "app-guid", 20001));
        assertEquals(worker.username(), retried.username());
        assertThrows(SQLException.class, () -> connect(worker).close(), "a repeated bind replaces the binding's password");
        Connection kept = connect(retried);

        plugin.deprovision(instance);
        assertThrows(SQLException.class, () -> connect(retried).close());
        assertThrows(SQLException.class, () -> kept.createStatement().execute("SELECT 1"), "deprovision ends open sessions");
        assertEquals(List.of(), plugin.admin().usersOf(retried.name()));
    }

    @Test
    void aProvisionThatFailsChangesNothing() throws Exception {
        ServiceInstance instance = plugin.provision("twice", "free", Map.of());
        ServiceCredentials c = plugin.bind(instance, new ServiceBinding("twice-b", "app-guid", 20001));
        try (Connection conn = connect(c); Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE t (v int)");
        }
        assertThrows(ServiceException.class, () -> plugin.provision("twice", "free", Map.of()));
        try (Connection conn = connect(c); Statement s = conn.createStatement()) {
            s.execute("SELECT * FROM t");
        }
        plugin.deprovision(instance);
    }

    @Test
    void onlyTheAdminCanLogInAndOnlyWithItsPassword() throws Exception {
        List<String> accounts = accounts();
        assertTrue(accounts.contains("strato_admin"), accounts.toString());
        assertFalse(accounts.contains(""), "no anonymous user: " + accounts);
        assertFalse(accounts.contains("root"), "no root user: " + accounts);
        assertThrows(SQLException.class, () -> connect("", "root", "").close());
        assertThrows(SQLException.class, () -> connect("", "strato_admin", "wrong").close());
        assertThrows(SQLException.class, () -> connect("", "anybody", "").close());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("admin.properties"))));
        assertTrue(Files.exists(dataDir.resolve("tls").resolve("server-cert.pem")), "a certificate made once, not at every start");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("db"))));
    }

    @Test
    void clientsMayUseTls() throws Exception {
        ServiceInstance instance = plugin.provision("tls", "free", Map.of());
        ServiceCredentials c = plugin.bind(instance, new ServiceBinding("tls-b", "app-guid", 20001));
        Properties props = new Properties();
        props.setProperty("user", c.username());
        props.setProperty("password", c.password());
        props.setProperty("sslMode", "trust");
        try (Connection conn = new Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/" + c.name(), props);
             Statement s = conn.createStatement(); ResultSet r = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
            assertTrue(r.next());
            assertFalse(r.getString(2).isEmpty(), "the session is encrypted");
        }
        plugin.deprovision(instance);
    }

    @Test
    void aKilledServerIsRestartedAndDataSurvivesANodeRestart() throws Exception {
        ServiceInstance instance = plugin.provision("kept", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        try (Connection c = connect(credentials); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v int) ENGINE=InnoDB");
            s.execute("INSERT INTO kept VALUES (42)");
        }

        long pid = plugin.server().pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!(plugin.server().pid() != pid && plugin.server().pid() > 0 && plugin.server().listening())) {
            assertTrue(System.nanoTime() < deadline, "the killed server must be restarted");
            Thread.sleep(200);
        }
        assertTrue(readKept(credentials, deadline), "the restarted server has the data");

        long before = System.nanoTime();
        try (Connection open = connect(credentials)) {
            plugin.deactivate();
        }
        long stopSeconds = (System.nanoTime() - before) / 1_000_000_000L;
        assertTrue(stopSeconds < 5, "an open client connection must not hold the shutdown, took " + stopSeconds + " s");
        assertThrows(SQLException.class, () -> connect(credentials).close(), "the server is stopped with the plugin");

        plugin = new MysqlServicePlugin(config());
        assertTrue(plugin.health().up(), plugin.health().detail());
        assertTrue(readKept(credentials, System.nanoTime() + 10_000_000_000L));
        plugin.deprovision(instance);
    }

    /** After a crash the server may listen a moment before InnoDB has recovered: retry until the deadline. */
    private boolean readKept(ServiceCredentials credentials, long deadline) throws Exception {
        while (true) {
            try (Connection c = connect(credentials); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT v FROM kept")) {
                return r.next() && r.getInt(1) == 42;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private List<String> accounts() throws SQLException {
        List<String> users = new ArrayList<>();
        try (Connection c = plugin.admin().connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT User FROM mysql.user")) {
            while (r.next()) {
                users.add(r.getString(1));
            }
        }
        return users;
    }

    @Test
    void theServerRunsAsItsOwnUserAndNoOtherUidCanWriteItsFiles() throws Exception {
        if (!io.strato.api.service.process.ServerUser.nodeIsRoot()) {
            return;
        }
        Path db = dataDir.resolve("db");
        assertEquals("strato-mysql", Files.getOwner(db).getName());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
        assertNotEquals(0, runAs(20077, "echo x >> " + db.resolve("mysql").resolve("global_priv.MAI")), "an app uid cannot write the grant tables");
        assertNotEquals(0, runAs(20077, "ls " + db), "nor list the data directory");
        assertNotEquals(0, runAs(20077, "echo x > " + db.resolve("intruder")), "nor create files in it");
        assertNotEquals(0, runAs(20077, "cat " + dataDir.resolve("admin.properties")), "nor read the admin's password");
        assertNotEquals(0, runAs(20077, "cat " + dataDir.resolve("mysql.log")), "nor read the server's log");
        Process ps = new ProcessBuilder("ps", "-o", "user:32=", "-C", "mariadbd").start();
        String users = new String(ps.getInputStream().readAllBytes()).trim();
        assertTrue(java.util.Arrays.asList(users.split("\\s+")).contains("strato-mysql"), users);
    }

    /** Exit status of a bash command run as {@code uid}. */
    static int runAs(int uid, String command) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--", "bash", "-c", command)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
