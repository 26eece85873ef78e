package io.example.strato.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.files.FileTrees;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceInstance;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The example plugin against real H2 servers, with H2's own JDBC driver as an app would use it. */
class H2ServicePluginTest {

    /** Under target/ rather than a @TempDir: /tmp/junit* is private to root, and the servers run as strato-h2. */
    private final Path dataDir = Path.of("target", "h2-test-" + System.nanoTime()).toAbsolutePath();
    private H2ServicePlugin plugin;

    @AfterEach
    void stop() throws IOException {
        if (plugin != null) {
            plugin.deactivate();
        }
        FileTrees.delete(dataDir);
    }

    private H2ServicePlugin.Config config() {
        return new H2ServicePlugin.Config() {
            public String dataDir() { return dataDir.toString(); }
            public String host() { return "127.0.0.1"; }
            public int portFirst() { return 19300; }
            public int portLast() { return 19399; }
            public Class<? extends Annotation> annotationType() { return H2ServicePlugin.Config.class; }
        };
    }

    private static Connection connect(ServiceCredentials c) throws SQLException {
        return DriverManager.getConnection(c.uri(), c.username(), c.password());
    }

    @Test
    void aBindingIsAUserOfItsOwnInstancesDatabaseOnly() throws Exception {
        plugin = new H2ServicePlugin(config());
        assertEquals("h2", plugin.name());
        ServiceInstance first = plugin.provision("first", "free", Map.of());
        ServiceInstance second = plugin.provision("second", "free", Map.of());
        ServiceCredentials a = plugin.bind(first, new ServiceBinding("binding-a", "app", 20001));
        ServiceCredentials b = plugin.bind(second, new ServiceBinding("binding-b", "app", 20002));
        assertNotEquals(a.port(), b.port());
        assertEquals("jdbc:h2:tcp://127.0.0.1:" + a.port() + "/db", a.uri());

        try (Connection c = connect(a); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE things (name VARCHAR(20))");
            st.execute("INSERT INTO things VALUES ('hello')");
        }
        try (Connection c = connect(b); ResultSet tables = c.getMetaData().getTables(null, "PUBLIC", "THINGS", null)) {
            assertTrue(!tables.next(), "the other instance's database has no such table");
        }
        ServiceCredentials wrong = new ServiceCredentials(a.uri(), "db", a.hostname(), a.port(), b.username(), b.password(), Map.of());
        assertThrows(SQLException.class, () -> connect(wrong).close(), "a binding of one instance cannot log in to another");

        // a restart keeps the data; unbind ends the binding's login
        plugin.deactivate();
        plugin = new H2ServicePlugin(config());
        try (Connection c = connect(a); ResultSet rs = c.createStatement().executeQuery("SELECT name FROM things")) {
            assertTrue(rs.next());
            assertEquals("hello", rs.getString(1));
        }
        plugin.unbind(first, new ServiceBinding("binding-a", "app", 20001));
        assertThrows(SQLException.class, () -> connect(a).close(), "an unbound binding's password no longer works");
        assertThrows(ServiceException.class, () -> plugin.bind(first, new ServiceBinding("x'; DROP ALL OBJECTS; --", "app", 20001)));

        plugin.deprovision(second);
        assertThrows(SQLException.class, () -> connect(b).close(), "a deprovisioned instance's server is gone");
    }
}
