package io.strato.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh database on a real PostgreSQL (one server per test JVM, data under target/) behind the store's own
 * JDBC layer: the PostgreSQL counterpart of {@link DerbyDatabase}, for a component whose cluster database is
 * PostgreSQL (store mode=url).
 */
public final class PostgresDatabase extends StoreBackedDatabase {

    private static EmbeddedPostgres server;

    public PostgresDatabase() throws SQLException {
        this(server(), "t_" + UUID.randomUUID().toString().replace("-", ""));
    }

    private PostgresDatabase(EmbeddedPostgres pg, String name) throws SQLException {
        super(dataSource(pg, name), "jdbc:postgresql://localhost:" + pg.getPort() + "/" + name);
    }

    private static PGSimpleDataSource dataSource(EmbeddedPostgres pg, String name) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"localhost"});
        dataSource.setPortNumbers(new int[] {pg.getPort()});
        dataSource.setDatabaseName(name);
        dataSource.setUser("postgres");
        return dataSource;
    }

    private static synchronized EmbeddedPostgres server() throws SQLException {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setDataDirectory(Path.of("target", "postgres-tests").toAbsolutePath())
                        .setCleanDataDirectory(true)
                        .start();
            } catch (IOException e) {
                throw new SQLException("cannot start PostgreSQL for the tests: " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM ends anyway
                }
            }));
        }
        return server;
    }

    @Override
    public void close() {
        // the server goes with the JVM; each test's database is left for inspection
    }
}
