package io.strato.testkit;

import java.nio.file.Path;
import java.sql.SQLException;
import org.apache.derby.jdbc.EmbeddedDataSource;

/**
 * A real embedded Derby database in a directory (under target/) behind the store's own JDBC layer; opening
 * the same directory again is a restart.
 */
public final class DerbyDatabase extends StoreBackedDatabase {

    private final String directory;

    public DerbyDatabase(Path dir) throws SQLException {
        this(dir.toAbsolutePath().toString());
    }

    private DerbyDatabase(String directory) throws SQLException {
        super(dataSource(directory), "jdbc:derby:" + directory);
        this.directory = directory;
    }

    private static EmbeddedDataSource dataSource(String directory) {
        EmbeddedDataSource dataSource = new EmbeddedDataSource();
        dataSource.setDatabaseName(directory);
        dataSource.setCreateDatabase("create");
        return dataSource;
    }

    @Override
    public void close() {
        EmbeddedDataSource shutdown = new EmbeddedDataSource();
        shutdown.setDatabaseName(directory);
        shutdown.setShutdownDatabase("shutdown");
        try {
            shutdown.getConnection().close();
        } catch (SQLException expected) {
            // Derby reports a successful shutdown as an exception
        }
    }
}
