package io.strato.services.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.process.PortAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.Driver;

/** One server for the class: initdb takes a few seconds. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresServicePluginTest {

    /** Under target/ rather than a @TempDir: /tmp/junit* is private to root, and the server runs as nobody. */
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
        return new PostgresServicePlugin.Config() {
            public String dataDir() { return dataDir.toString(); }
            public String host() { return "127.0.0.1"; }
            public int port() { return port; }
            public String allowedNetwork() { return ""; }
            public String runAs() { return "nobody"; }
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
}
