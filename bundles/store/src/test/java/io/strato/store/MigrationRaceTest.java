package io.strato.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.derby.drda.NetworkServerControl;
import org.apache.derby.jdbc.ClientDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Controllers of several nodes starting at once against one Derby network server: every schema version is applied
 * exactly once and every node's migration succeeds.
 */
class MigrationRaceTest {

    private static final int NODES = 4;

    @TempDir
    Path dir;

    private NetworkServerControl server;
    private int port;
    private final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        port = StoreModesTest.freePort();
        server = new NetworkServerControl(InetAddress.getLoopbackAddress(), port);
        server.start(new PrintWriter(System.out));
        for (int i = 0; i < 100; i++) {
            try {
                server.ping();
                return;
            } catch (Exception notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the Derby network server did not start");
    }

    @AfterEach
    void stopServer() throws Exception {
        pools.forEach(HikariDataSource::close);
        server.shutdown();
    }

    /** A node of its own: its own pool of client connections. */
    private DataSource node() {
        ClientDataSource client = new ClientDataSource();
        client.setServerName("127.0.0.1");
        client.setPortNumber(port);
        client.setDatabaseName(dir.resolve("race").toString());
        client.setCreateDatabase("create");
        HikariConfig config = new HikariConfig();
        config.setDataSource(client);
        config.setMaximumPoolSize(3);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    @Test
    void eachVersionIsAppliedOnceWhenNodesMigrateTogether() throws Exception {
        node().getConnection().close(); // creates the database, so the race is about the schema
        List<DataSource> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            nodes.add(node());
        }
        for (int round = 0; round < 3; round++) {
            String component = "controller-" + round;
            String app = "app" + round;
            List<String> statements = List.of(
                    "CREATE TABLE " + app + " (guid VARCHAR(36) PRIMARY KEY)",
                    "CREATE TABLE route" + round + " (host VARCHAR(64) PRIMARY KEY)",
                    "ALTER TABLE " + app + " ADD COLUMN memory INT DEFAULT 256",
                    "CREATE INDEX " + app + "_memory ON " + app + " (memory)",
                    "INSERT INTO " + app + " (guid) VALUES ('seeded-once')");
            CyclicBarrier start = new CyclicBarrier(NODES);
            ExecutorService pool = Executors.newFixedThreadPool(NODES);
            List<Future<Integer>> applied = new ArrayList<>();
            for (DataSource node : nodes) {
                applied.add(pool.submit(() -> {
                    start.await();
                    return new JdbcDatabase(node, "jdbc:derby://127.0.0.1:" + port + "/" + dir.resolve("race")).migrate(component, statements);
                }));
            }
            int total = 0;
            for (Future<Integer> f : applied) {
                total += f.get(); // throws if any node's migration failed
            }
            pool.shutdown();
            assertEquals(statements.size(), total, "every version applied by exactly one node");
            try (Connection c = nodes.get(0).getConnection();
                 ResultSet rs = c.createStatement().executeQuery(
                         "SELECT COUNT(*), COUNT(DISTINCT version) FROM strato_schema WHERE component = '" + component + "'")) {
                rs.next();
                assertEquals(statements.size(), rs.getInt(1));
                assertEquals(statements.size(), rs.getInt(2));
            }
        }
    }
}
