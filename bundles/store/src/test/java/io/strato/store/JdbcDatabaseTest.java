package io.strato.store;

import io.strato.api.store.StoreException;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdbcDatabaseTest {

    @TempDir
    Path dir;

    private EmbeddedDataSource derby(String name) {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(dir.resolve(name).toString());
        ds.setCreateDatabase("create");
        return ds;
    }

    @Test
    void appliesOnlyNewVersionsAndRemembersThemAcrossReopen() throws Exception {
        EmbeddedDataSource ds = derby("db1");
        JdbcDatabase db = new JdbcDatabase(ds, "test");
        assertEquals(io.strato.api.store.Dialect.DERBY, db.dialect());
        List<String> v1 = List.of("CREATE TABLE app (name VARCHAR(64) PRIMARY KEY)");
        assertEquals(1, db.migrate("controller", v1));
        assertEquals(0, db.migrate("controller", v1));

        JdbcDatabase reopened = new JdbcDatabase(ds, "test");
        List<String> v2 = List.of(v1.get(0), "ALTER TABLE app ADD COLUMN memory INT DEFAULT 256");
        assertEquals(1, reopened.migrate("controller", v2));
        assertEquals(2, reopened.currentVersion("controller"));
        assertEquals(0, reopened.currentVersion("other"));
        try (Connection c = ds.getConnection()) {
            c.createStatement().executeUpdate("INSERT INTO app (name) VALUES ('a')");
            ResultSet rs = c.createStatement().executeQuery("SELECT memory FROM app");
            rs.next();
            assertEquals(256, rs.getInt(1));
        }
    }

    @Test
    void failedVersionLeavesEarlierOnesAndIsRetriedNextTime() throws Exception {
        JdbcDatabase db = new JdbcDatabase(derby("db2"), "test");
        List<String> broken = List.of("CREATE TABLE t (id INT)", "CREATE TABLE oops (");
        StoreException e = assertThrows(StoreException.class, () -> db.migrate("c", broken));
        assertTrue(e.getMessage().startsWith("schema version 2 of c failed"), e.getMessage());
        assertEquals(1, db.currentVersion("c"));
        assertEquals(1, db.migrate("c", List.of("CREATE TABLE t (id INT)", "CREATE TABLE fixed (id INT)")));
    }

    @Test
    void credentialsNeverReachLogs() {
        assertEquals("jdbc:postgresql://db/strato?", StoreComponent.withoutCredentials("jdbc:postgresql://db/strato?user=u&password=secret"));
        assertTrue(StoreComponent.isEmbeddedDerby("jdbc:derby:/x;create=true"));
        assertTrue(!StoreComponent.isEmbeddedDerby("jdbc:derby://host:1527/x"));
    }

    @Test
    void unreachableDatabaseIsAClearError() {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(dir.resolve("missing").toString());
        StoreException e = assertThrows(StoreException.class, () -> new JdbcDatabase(ds, "jdbc:derby:missing"));
        assertTrue(e.getMessage().startsWith("cannot open the database at jdbc:derby:missing"), e.getMessage());
        assertTrue(e.getCause() instanceof SQLException);
    }
}
