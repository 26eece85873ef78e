package io.strato.controller;

import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import io.strato.store.JdbcDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.apache.derby.jdbc.EmbeddedDataSource;

/**
 * A real embedded Derby database in target/ behind the store's own {@link JdbcDatabase}, so tests run the
 * migrations exactly as a node does; opening the same directory again is a restart.
 */
public final class DerbyDatabase implements Database, AutoCloseable {

    private final String location;
    private final JdbcDatabase database;

    public DerbyDatabase(Path dir) throws SQLException {
        location = dir.toAbsolutePath().toString();
        EmbeddedDataSource dataSource = new EmbeddedDataSource();
        dataSource.setDatabaseName(location);
        dataSource.setCreateDatabase("create");
        try {
            database = new JdbcDatabase(dataSource, "jdbc:derby:" + location);
        } catch (StoreException e) {
            throw new SQLException(e.getMessage(), e);
        }
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
    public io.strato.api.store.Dialect dialect() {
        return database.dialect();
    }

    @Override
    public void close() {
        EmbeddedDataSource shutdown = new EmbeddedDataSource();
        shutdown.setDatabaseName(location);
        shutdown.setShutdownDatabase("shutdown");
        try {
            shutdown.getConnection().close();
        } catch (SQLException expected) {
            // Derby reports a successful shutdown as an exception
        }
    }
}
