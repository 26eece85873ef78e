package io.strato.store;

import org.apache.derby.jdbc.ClientDataSource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections to a Derby network server through the Derby client driver (carried inside this bundle). The server's address and the password
 * are looked up for every new connection, so when the server moves (another node serves) or the cluster secret
 * changes (this node attached to a cluster), the next connection follows without restarting anything.
 */
final class DerbyClientDataSource implements DataSource {

    /** Derby's user whose default schema is APP, where the embedded store always kept its tables. */
    static final String USER = "app";

    private final Supplier<Optional<ServerAddress>> server;
    private final Supplier<String> password;
    private volatile Cached cached;

    private record Cached(ServerAddress address, String password, DataSource dataSource) {
    }

    DerbyClientDataSource(Supplier<Optional<ServerAddress>> server, Supplier<String> password) {
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
            ClientDataSource client = new ClientDataSource();
            client.setServerName(address.host());
            client.setPortNumber(address.port());
            client.setDatabaseName(address.database());
            client.setUser(USER);
            client.setPassword(pwd);
            client.setLoginTimeout(10);
            c = new Cached(address, pwd, client);
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
