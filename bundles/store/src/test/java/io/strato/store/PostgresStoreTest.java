package io.strato.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.store.Database;
import io.strato.api.store.Dialect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ops4j.pax.jdbc.derby.impl.DerbyDataSourceFactory;
import org.postgresql.osgi.PGDataSourceFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster database on a real PostgreSQL (mode=url), started by the test with its data under target/. */
class PostgresStoreTest {

    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(Path.of("target", "postgres-store-test").toAbsolutePath())
                .setCleanDataDirectory(true)
                .start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private String url() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    @Test
    void nodesMigratingOnePostgresqlTogetherApplyEachVersionOnce() throws Exception {
        int nodes = 4;
        List<HikariDataSource> pools = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url());
            config.setUsername("postgres");
            config.setPassword("postgres");
            config.setMaximumPoolSize(3);
            pools.add(new HikariDataSource(config));
        }
        try {
            List<String> versions = List.of(
                    "CREATE TABLE race_app (guid VARCHAR(36) PRIMARY KEY)",
                    "ALTER TABLE race_app ADD COLUMN memory INT DEFAULT 256",
                    "CREATE INDEX race_app_memory ON race_app (memory)",
                    "INSERT INTO race_app (guid) VALUES ('seeded-once')");
            CyclicBarrier start = new CyclicBarrier(nodes);
            ExecutorService threads = Executors.newFixedThreadPool(nodes);
            List<Future<Integer>> applied = new ArrayList<>();
            for (HikariDataSource pool : pools) {
                applied.add(threads.submit(() -> {
                    start.await();
                    JdbcDatabase db = new JdbcDatabase(pool, url());
                    assertEquals(Dialect.POSTGRESQL, db.dialect());
                    return db.migrate("race", versions);
                }));
            }
            int total = 0;
            for (Future<Integer> f : applied) {
                total += f.get();
            }
            threads.shutdown();
            assertEquals(versions.size(), total);
            try (Connection c = pools.get(0).getConnection();
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM race_app")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the seed row went in once");
            }
        } finally {
            pools.forEach(HikariDataSource::close);
        }
    }

    @Test
    void urlModeKeepsTheNodeDatabaseLocalAndSharesPostgresql() throws Exception {
        List<StoreModesTest.Offered> offered = new CopyOnWriteArrayList<>();
        try (LocalSharedState shared = new LocalSharedState();
             Store store = new Store(Configs.of(Map.of("mode", "url", "url", url(), "user", "postgres", "password", "postgres")),
                     dir, new DerbyDataSourceFactory(), new PGDataSourceFactory(),
                     () -> "secret", shared.map(Store.MAP), "node-a", "127.0.0.1",
                     (db, scopes) -> offered.add(new StoreModesTest.Offered(db, scopes)))) {
            store.open();
            StoreModesTest.await(() -> offered.size() == 2, java.time.Duration.ofSeconds(30), "both databases offered");
            Database node = offered.stream().filter(o -> o.scopes().equals(List.of(Database.NODE))).findFirst().orElseThrow().database();
            Database cluster = offered.stream().filter(o -> o.scopes().equals(List.of(Database.CLUSTER))).findFirst().orElseThrow().database();
            assertEquals(Dialect.DERBY, node.dialect());
            assertEquals(Dialect.POSTGRESQL, cluster.dialect());
            assertEquals(url(), cluster.location());
            cluster.migrate("notes", List.of("CREATE TABLE note (text VARCHAR(64))"));
            StoreModesTest.insert(cluster, "in postgresql");
            assertEquals(List.of("in postgresql"), StoreModesTest.notes(cluster));
            assertTrue(StoreComponent.format(store.status()).contains("Connections:"));
            assertFalse(StoreComponent.format(store.status()).contains("postgres@"));
        }
    }
}
