package io.strato.services.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.files.FileTrees;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.process.AdminLogin;
import io.strato.api.service.process.PortAllocator;
import io.strato.api.service.process.ServerUser;
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
import java.util.Comparator;
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
import org.postgresql.Driver;

/** One server for the class: initdb takes a few seconds. Runs as root: the server runs as strato-postgresql. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresServicePluginTest {

    /** Under target/ rather than a @TempDir: /tmp/junit* is private to root, and the server runs as its own user. */
    private final Path dataDir = Path.of("target", "postgresql-test-" + System.nanoTime()).toAbsolutePath();

    private final int port = freePort();

    private PostgresServicePlugin plugin;

    private static int freePort() {
        try {
            return new PortAllocator("127.0.0.1", 25433, 25533).allocate(Set.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    void startServer() {
        plugin = new PostgresServicePlugin(config());
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

    private PostgresServicePlugin.Config config() {
        return config(dataDir, port);
    }

    private PostgresServicePlugin.Config config(Path dataDir, int port) {
        return new PostgresServicePlugin.Config() {
            public String dataDir() { return dataDir.toString(); }
            public String host() { return "127.0.0.1"; }
            public int port() { return port; }
            public String allowedNetwork() { return ""; }
            public String runAs() { return ""; }
            public int startTimeoutSeconds() { return 60; }
            public String externalHost() { return ""; }
            public int externalPort() { return 5432; }
            public String adminUser() { return "postgres"; }
            public String adminPassword() { return ""; }
            public Class<? extends Annotation> annotationType() { return PostgresServicePlugin.Config.class; }
        };
    }

    private static Connection connect(ServiceCredentials c, String database, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return new Driver().connect("jdbc:postgresql://" + c.hostname() + ":" + c.port() + "/" + database, props);
    }

    private static Connection connect(ServiceCredentials c) throws SQLException {
        return connect(c, c.name(), c.username(), c.password());
    }

    @Test
    void eachInstanceIsADatabaseOnlyItsBindingsCanOpen() throws Exception {
        ServiceInstance first = plugin.provision("4c1f-first", "free", Map.of());
        ServiceInstance second = plugin.provision("4c1f-second", "free", Map.of());
        ServiceCredentials a = plugin.bind(first, new ServiceBinding("binding-a", "app-guid", 20001));
        ServiceCredentials b = plugin.bind(second, new ServiceBinding("binding-b", "app-guid", 20001));
        assertEquals("postgres://" + a.username() + ":" + a.password() + "@127.0.0.1:" + port + "/" + a.name(), a.uri());

        try (Connection c = connect(a); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE greeting (text varchar(20))");
            s.execute("INSERT INTO greeting VALUES ('hello')");
            try (ResultSet r = s.executeQuery("SELECT text FROM greeting")) {
                assertTrue(r.next());
                assertEquals("hello", r.getString(1));
            }
        }

        assertThrows(SQLException.class, () -> connect(a, b.name(), a.username(), a.password()).close(),
                "the first instance's binding must not connect to the second instance's database");
        assertThrows(SQLException.class, () -> connect(b, b.name(), b.username(), a.password()).close(),
                "a wrong password must be refused");
        assertThrows(SQLException.class, () -> connect(a, "postgres", a.username(), a.password()).close(),
                "bindings must not open the maintenance database");
        connect(b).close();

        plugin.unbind(first, new ServiceBinding("binding-a", "app-guid", 20001));
        plugin.deprovision(first);
        plugin.deprovision(second);

        assertThrows(SQLException.class, () -> connect(a).close(), "deprovisioned credentials must stop working");
        assertThrows(SQLException.class, () -> connect(b).close(), "deprovisioned credentials must stop working");
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
            s.execute("DROP TABLE jobs");
        }

        plugin.unbind(instance, new ServiceBinding("web", "app-guid", 20001));

        assertThrows(SQLException.class, () -> connect(web).close(), "unbound credentials must stop working");
        assertThrows(SQLException.class, () -> open.createStatement().execute("SELECT 1"), "its open session is ended");
        connect(worker).close();

        ServiceCredentials retried = plugin.bind(instance, new ServiceBinding("worker", "app-guid", 20001));
        assertEquals(worker.username(), retried.username());
        assertThrows(SQLException.class, () -> connect(worker).close(), "a repeated bind replaces the binding's password");
        connect(retried).close();

        plugin.deprovision(instance);
        assertThrows(SQLException.class, () -> connect(retried).close());
    }

    @Test
    void theSuperuserNeedsItsPassword() {
        ServiceCredentials server = new ServiceCredentials("postgres://", "postgres", "127.0.0.1", port, "postgres", "", Map.of());
        assertThrows(SQLException.class, () -> connect(server, "postgres", "postgres", "wrong").close());
    }

    @Test
    void dataSurvivesANodeRestart() throws Exception {
        ServiceInstance instance = plugin.provision("kept", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        long stopSeconds;
        try (Connection c = connect(credentials); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v int)");
            s.execute("INSERT INTO kept VALUES (42)");
            long before = System.nanoTime();
            plugin.deactivate();
            stopSeconds = (System.nanoTime() - before) / 1_000_000_000L;
        }
        assertTrue(stopSeconds < 5, "an open client connection must not hold the shutdown, took " + stopSeconds + " s");

        plugin = new PostgresServicePlugin(config());

        try (Connection c = connect(credentials); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT v FROM kept")) {
            assertTrue(r.next());
            assertEquals(42, r.getInt(1));
        }
        plugin.deprovision(instance);
    }

    @Test
    void theServerRunsAsItsOwnUserAndNoOtherUidCanWriteItsFiles() throws Exception {
        if (!ServerUser.nodeIsRoot()) {
            return;
        }
        Path pgdata = dataDir.resolve("pgdata");
        Path hba = pgdata.resolve("pg_hba.conf");
        assertEquals("strato-postgresql", Files.getOwner(hba).getName());
        assertEquals("strato-postgresql", Files.getOwner(pgdata).getName());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pgdata)));
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
        String before = Files.readString(hba);
        assertNotEquals(0, runAs(20077, "echo 'local all all trust' >> " + hba), "an app uid cannot append to pg_hba.conf");
        assertNotEquals(0, runAs(20077, "ls " + pgdata), "nor list the data directory");
        assertNotEquals(0, runAs(20077, "cat " + dataDir.resolve("admin.properties")), "nor read the superuser's password");
        assertNotEquals(0, runAs(65534, "echo x >> " + hba), "nor can nobody");
        assertEquals(before, Files.readString(hba));
        Process ps = new ProcessBuilder("ps", "-o", "user:32=", "-C", "postgres").start();
        String users = new String(ps.getInputStream().readAllBytes()).trim();
        assertTrue(java.util.Arrays.asList(users.split("\\s+")).contains("strato-postgresql"), users);
        assertFalse(users.contains("nobody"), users);
    }

    /**
     * Health checks ride one superuser session: no new login, no look at who holds the port, while it lives. When
     * it ends (the server restarted), the next check asks who holds the port before it sends the password again.
     */
    @Test
    void healthChecksLogInOnceAndCheckThePortOwnerBeforeEveryNewLogin() throws Exception {
        AdminLogin login = AdminLogin.load(dataDir.resolve("admin.properties"));
        AtomicInteger ownerChecks = new AtomicInteger();
        AtomicBoolean strangerOnPort = new AtomicBoolean();
        PostgresAdmin admin = new PostgresAdmin("127.0.0.1", port, login.user(), login.password(), () -> {
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

            try (Connection c = admin.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = current_user AND pid <> pg_backend_pid()");
                ResultSet left;
                do {
                    left = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = current_user AND pid <> pg_backend_pid()");
                    left.next();
                } while (left.getInt(1) > 0);
            }
            strangerOnPort.set(true);
            SQLException refused = assertThrows(SQLException.class, admin::requireAnswer);
            assertEquals("another program listens on the port", refused.getMessage());
            assertEquals(3, ownerChecks.get(), "the broken session is replaced only after the port owner is checked");
        } finally {
            admin.closeHealthSession();
        }
    }

    /** A program of another uid that took the port first gets no connection, so no password. */
    @Test
    void aStrangerOnThePortGetsNoPassword() throws Exception {
        if (!ServerUser.nodeIsRoot()) {
            return;
        }
        int strangerPort = new PortAllocator("127.0.0.1", 25534, 25633).allocate(Set.of());
        Path seen = Files.createTempFile(Path.of("target"), "stranger", ".log");
        Files.setPosixFilePermissions(seen, PosixFilePermissions.fromString("rw-rw-rw-"));
        Process stranger = new ProcessBuilder("setpriv", "--reuid=20077", "--regid=20077", "--clear-groups", "--",
                "/usr/bin/python3", "-c", "import socket,sys\n"
                        + "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                        + "s.bind(('127.0.0.1', " + strangerPort + ")); s.listen(5); print('listening', flush=True)\n"
                        + "while True:\n c,a=s.accept(); open(sys.argv[1],'a').write('connection\\n'); c.close()\n", seen.toString())
                .redirectErrorStream(true).start();
        Path otherDir = Path.of("target", "postgresql-stranger-" + System.nanoTime()).toAbsolutePath();
        PostgresServicePlugin victim = null;
        try {
            assertEquals("listening", new java.io.BufferedReader(new java.io.InputStreamReader(stranger.getInputStream())).readLine());
            victim = new PostgresServicePlugin(config(otherDir, strangerPort));
            assertFalse(victim.health().up());
            assertTrue(victim.health().detail().contains("another program listens on 127.0.0.1:" + strangerPort), victim.health().detail());
            assertTrue(victim.health().detail().contains("python3"), victim.health().detail());
            assertEquals("", Files.readString(seen), "the stranger saw no connection");
        } finally {
            stranger.destroyForcibly().waitFor();
            if (victim != null) {
                victim.deactivate();
            }
            FileTrees.delete(otherDir);
            Files.deleteIfExists(seen);
        }
    }

    /** Exit status of a bash command run as {@code uid}. */
    static int runAs(int uid, String command) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--", "bash", "-c", command)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
