package io.strato.store;

import org.osgi.service.jdbc.DataSourceFactory;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections to a Derby network server through the Derby client driver. The server's address and the password
 * are looked up for every new connection, so when the server moves (another node serves) or the cluster secret
 * changes (this node attached to a cluster), the next connection follows without restarting anything.
 */
final class DerbyClientDataSource implements DataSource {

    /** Derby's user whose default schema is APP, where the embedded store always kept its tables. */
    static final String USER = "app";

    private final DataSourceFactory clientDriver;
    private final Supplier<Optional<ServerAddress>> server;
    private final Supplier<String> password;
    private volatile Cached cached;

    private record Cached(ServerAddress address, String password, DataSource dataSource) {
    }

    DerbyClientDataSource(DataSourceFactory clientDriver, Supplier<Optional<ServerAddress>> server, Supplier<String> password) {
        this.clientDriver = clientDriver;
        this.server = server;
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        ServerAddress address = server.get().orElseThrow(() -> new SQLException(
                "no node publishes the cluster database yet (a node with mode=server in etc/io.strato.store.cfg)", "08001"));
        String pwd = password.get();
        Cached c = cached;
        if (c == null || !c.address().equals(address) || !c.password().equals(pwd)) {
            Properties props = new Properties();
            props.setProperty(DataSourceFactory.JDBC_SERVER_NAME, address.host());
            props.setProperty(DataSourceFactory.JDBC_PORT_NUMBER, String.valueOf(address.port()));
            props.setProperty(DataSourceFactory.JDBC_DATABASE_NAME, address.database());
            props.setProperty(DataSourceFactory.JDBC_USER, USER);
            props.setProperty(DataSourceFactory.JDBC_PASSWORD, pwd);
            props.setProperty("loginTimeout", "10");
            c = new Cached(address, pwd, clientDriver.createDataSource(props));
            cached = c;
        }
        return c.dataSource().getConnection();
    }

    @Override
    public Connection getConnection(String username, String pwd) throws SQLException {
        throw new SQLFeatureNotSupportedException("the cluster database's credentials come from the cluster secret");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // connections log through the node's log
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // set per connection (loginTimeout above)
    }

    @Override
    public int getLoginTimeout() {
        return 10;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
