package io.strato.store;

import io.strato.api.app.InternalAuth;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.store.Database;
import io.strato.api.store.Dialect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ops4j.pax.jdbc.derby.impl.DerbyDataSourceFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every mode with the real drivers, and a real Derby network server process on a loopback port. */
class StoreModesTest {

    private static final String SECRET = "cluster-secret-of-the-test";

    @TempDir
    Path dir;

    private final LocalSharedState shared = new LocalSharedState();
    private final List<Store> stores = new ArrayList<>();
    private final int port = freePort();

    record Offered(Database database, List<String> scopes) {
    }

    private final class Node {
        final Store store;
        final List<Offered> offered = new CopyOnWriteArrayList<>();

        Node(String mode, String name, String secret) {
            store = new Store(Configs.of(Map.of("mode", mode, "serverHost", "127.0.0.1", "serverPort", port)),
                    dir.resolve(name), new DerbyDataSourceFactory(), new DerbyDataSourceFactory(),
                    () -> secret, shared.map(Store.MAP), name, "127.0.0.1", (db, scopes) -> offered.add(new Offered(db, scopes)));
            stores.add(store);
        }

        Node open() throws Exception {
            store.open();
            return this;
        }

        Optional<Database> scope(String scope) {
            return offered.stream().filter(o -> o.scopes().contains(scope)).map(Offered::database).findFirst();
        }

        Database awaitCluster() {
            await(() -> scope(Database.CLUSTER).isPresent(), Duration.ofSeconds(20), "the cluster database was never offered");
            return scope(Database.CLUSTER).orElseThrow();
        }

        long serverPid() {
            return store.status().server().orElseThrow().pid().orElseThrow();
        }
    }

    @AfterEach
    void stopEverything() {
        stores.forEach(store -> {
            try {
                store.close();
            } catch (RuntimeException e) {
                // the test failed already; go on stopping the rest
            }
        });
        shared.close();
    }

    @Test
    void aClientNodeWaitsForTheServedDatabaseThenSharesItWithTheServer() throws Exception {
        Node b = new Node("client", "node-b", SECRET).open();
        assertTrue(b.scope(Database.NODE).isPresent(), "the node database is there at once");
        Thread.sleep(1500);
        assertTrue(b.scope(Database.CLUSTER).isEmpty(), "no cluster database while no node serves one");
        assertTrue(b.store.status().clusterLocation().startsWith("waiting"), b.store.status().clusterLocation());

        Node a = new Node("server", "node-a", SECRET).open();
        assertEquals(List.of(Database.NODE, Database.CLUSTER), a.offered.get(0).scopes(), "the served database is both");
        assertEquals(Optional.of("127.0.0.1:" + port + "/db@node-a"), shared.map(Store.MAP).get(Store.SERVER_KEY));
        Database atA = a.scope(Database.CLUSTER).orElseThrow();
        Database atB = b.awaitCluster();
        assertEquals(Dialect.DERBY, atB.dialect());
        assertEquals("jdbc:derby://127.0.0.1:" + port + "/db", atB.location());

        atA.migrate("notes", List.of("CREATE TABLE note (text VARCHAR(64))"));
        assertEquals(0, atB.migrate("notes", List.of("CREATE TABLE note (text VARCHAR(64))")), "B sees A's schema");
        insert(atA, "written at A");
        insert(atB, "written at B");
        assertEquals(List.of("written at A", "written at B"), notes(atA));
        assertEquals(List.of("written at A", "written at B"), notes(atB));
        assertThrows(SQLException.class, () -> notes(b.scope(Database.NODE).orElseThrow()), "B's node database stays its own");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("node-a/strato/db"))));
    }

    @Test
    void aRestartedNodeAdoptsItsRunningServerAndACleanStopEndsIt() throws Exception {
        Node a = new Node("server", "node-a", SECRET).open();
        Database atA = a.scope(Database.CLUSTER).orElseThrow();
        atA.migrate("notes", List.of("CREATE TABLE note (text VARCHAR(64))"));
        insert(atA, "before the crash");
        long pid = a.serverPid();
        Node b = new Node("client", "node-b", SECRET).open();
        Database atB = b.awaitCluster();

        a.store.abandon(); // what kill -9 of the node's JVM does to the store
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the server outlives its node");
        insert(atB, "while A was down");

        Node restarted = new Node("server", "node-a", SECRET).open();
        assertEquals(pid, restarted.serverPid(), "adopted, not a second server");
        assertEquals(List.of("before the crash", "while A was down"), notes(restarted.scope(Database.CLUSTER).orElseThrow()));

        restarted.store.close();
        await(() -> ProcessHandle.of(pid).isEmpty(), Duration.ofSeconds(30), "a clean stop ends the server");
        assertFalse(Files.exists(dir.resolve("node-a/strato/derby-server/server.pid")));
        assertEquals(Optional.empty(), shared.map(Store.MAP).get(Store.SERVER_KEY), "the address leaves the cluster");
    }

    @Test
    void aConnectionWithoutTheClusterSecretIsRefused() throws Exception {
        new Node("server", "node-a", SECRET).open();
        ServerAddress served = ServerAddress.parse(shared.map(Store.MAP).get(Store.SERVER_KEY).orElseThrow());
        DerbyClientDataSource intruder = new DerbyClientDataSource(() -> Optional.of(served),
                () -> InternalAuth.token("another-cluster", Store.CREDENTIALS_PURPOSE));
        SQLException e = assertThrows(SQLException.class, intruder::getConnection);
        assertEquals("08004", e.getSQLState(), e.getMessage());
        DerbyClientDataSource member = new DerbyClientDataSource(() -> Optional.of(served),
                () -> InternalAuth.token(SECRET, Store.CREDENTIALS_PURPOSE));
        try (Connection c = member.getConnection()) {
            assertTrue(c.isValid(5));
        }
        // nor may a client that reaches the port make a database of its own, or shut the server down
        SQLException create = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:derby://127.0.0.1:" + port + "/intruder;create=true", "app", "guess"));
        assertEquals("08004", create.getSQLState(), create.getMessage());
        assertFalse(Files.exists(dir.resolve("node-a/strato/intruder")));
        Exception shutdown = assertThrows(Exception.class,
                () -> new org.apache.derby.drda.NetworkServerControl(java.net.InetAddress.getLoopbackAddress(), port).shutdown());
        assertTrue(member.getConnection().isValid(5), "the server still runs after " + shutdown.getMessage());
        assertEquals(java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dir.resolve("node-a/strato/derby.properties")));
    }

    @Test
    void switchingFromEmbeddedToServerAndBackKeepsTheData() throws Exception {
        Node embedded = new Node("embedded", "node-a", SECRET).open();
        assertEquals(List.of(Database.NODE, Database.CLUSTER), embedded.offered.get(0).scopes());
        Database db = embedded.offered.get(0).database();
        // kato:store-status names the one database for both
        assertEquals(embedded.store.status().nodeLocation(), embedded.store.status().clusterLocation());
        assertTrue(embedded.store.status().clusterLocation().startsWith("jdbc:derby:"), embedded.store.status().clusterLocation());
        db.migrate("notes", List.of("CREATE TABLE note (text VARCHAR(64))"));
        insert(db, "from the micro cloud");
        embedded.store.close();

        Node server = new Node("server", "node-a", SECRET).open();
        assertEquals(List.of("from the micro cloud"), notes(server.scope(Database.CLUSTER).orElseThrow()));
        insert(server.scope(Database.CLUSTER).orElseThrow(), "served");
        server.store.close();

        Node back = new Node("embedded", "node-a", SECRET).open();
        assertEquals(List.of("from the micro cloud", "served"), notes(back.offered.get(0).database()));
    }

    @Test
    void anEmbeddedDatabaseThatCannotOpenSaysWhyAtOnce() throws Exception {
        Files.createDirectories(dir.resolve("node-a"));
        Files.writeString(dir.resolve("node-a/strato"), "a file where the database's directory belongs");
        Node node = new Node("embedded", "node-a", SECRET);
        io.strato.api.store.StoreException e = assertThrows(io.strato.api.store.StoreException.class, node.store::open);
        // Derby's own reason, not a pool that gave up waiting for a connection
        assertTrue(e.getMessage().startsWith("cannot open the database at jdbc:derby:"), e.getMessage());
        assertFalse(e.getMessage().contains("request timed out"), e.getMessage());
        assertTrue(node.offered.isEmpty(), "nothing offered");
    }

    @Test
    void aServerThatDiesIsStartedAgainAndClientsReconnect() throws Exception {
        Node a = new Node("server", "node-a", SECRET).open();
        a.scope(Database.CLUSTER).orElseThrow().migrate("notes", List.of("CREATE TABLE note (text VARCHAR(64))"));
        Node b = new Node("client", "node-b", SECRET).open();
        Database atB = b.awaitCluster();
        insert(atB, "before");
        long pid = a.serverPid();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await(() -> a.store.status().server().orElseThrow().restarts() == 1
                && a.store.status().server().orElseThrow().state() == DerbyServerProcess.State.RUNNING,
                Duration.ofSeconds(60), "the server was not started again");
        assertNotEquals(pid, a.serverPid());
        insert(atB, "after");
        assertEquals(List.of("after", "before"), notes(atB).stream().sorted().toList());
        assertTrue(StoreComponent.format(a.store.status()).contains("1 restart(s)"), StoreComponent.format(a.store.status()));
    }

    @Test
    void urlModeNeedsAUrlAndUnknownModesSayWhatIsAllowed() {
        IllegalArgumentException noUrl = assertThrows(IllegalArgumentException.class, () -> new Node("url", "node-a", SECRET));
        assertTrue(noUrl.getMessage().contains("mode=url needs url"), noUrl.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> new Node("shared", "node-a", SECRET));
        assertTrue(unknown.getMessage().contains("embedded, server, client, url"), unknown.getMessage());
    }

    static void insert(Database db, String text) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO note (text) VALUES (?)")) {
            ps.setString(1, text);
            ps.executeUpdate();
        }
    }

    static List<String> notes(Database db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT text FROM note ORDER BY text")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static void await(BooleanSupplier condition, Duration timeout, String failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
