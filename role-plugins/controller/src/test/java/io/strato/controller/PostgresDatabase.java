package io.strato.controller;

import io.strato.api.store.Database;
import io.strato.api.store.Dialect;
import io.strato.api.store.StoreException;
import io.strato.store.JdbcDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh database on a real PostgreSQL (one server per test JVM, data under target/) behind the store's own
 * {@link JdbcDatabase}: the PostgreSQL counterpart of {@link DerbyDatabase}, for a controller whose cluster
 * database is PostgreSQL (store mode=url).
 */
public final class PostgresDatabase implements Database, AutoCloseable {

    private static EmbeddedPostgres server;

    private final String name = "t_" + UUID.randomUUID().toString().replace("-", "");
    private final JdbcDatabase database;

    public PostgresDatabase() throws SQLException {
        EmbeddedPostgres pg = server();
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"localhost"});
        dataSource.setPortNumbers(new int[] {pg.getPort()});
        dataSource.setDatabaseName(name);
        dataSource.setUser("postgres");
        try {
            database = new JdbcDatabase(dataSource, "jdbc:postgresql://localhost:" + pg.getPort() + "/" + name);
        } catch (StoreException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    private static synchronized EmbeddedPostgres server() throws SQLException {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setDataDirectory(Path.of("target", "postgres-controller-tests").toAbsolutePath())
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
    public DataSource dataSource() {
        return database.dataSource();
    }

    @Override
    public int migrate(String component, List<String> statements) throws StoreException {
        return database.migrate(component, statements);
    }

    @Override
    public String location() {
        return database.location();
    }

    @Override
    public Dialect dialect() {
        return database.dialect();
    }

    @Override
    public void close() {
        // the server goes with the JVM; each test's database is left for inspection
    }
}
