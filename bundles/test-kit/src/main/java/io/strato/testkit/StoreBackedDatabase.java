package io.strato.testkit;

import io.strato.api.store.Database;
import io.strato.api.store.Dialect;
import io.strato.api.store.StoreException;
import io.strato.store.JdbcDatabase;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** A test database behind the store's own {@link JdbcDatabase}, so tests run the migrations exactly as a node does. */
abstract class StoreBackedDatabase implements Database, AutoCloseable {

    private final JdbcDatabase database;

    StoreBackedDatabase(DataSource dataSource, String url) throws SQLException {
        try {
            database = new JdbcDatabase(dataSource, url);
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
    public Dialect dialect() {
        return database.dialect();
    }
}
