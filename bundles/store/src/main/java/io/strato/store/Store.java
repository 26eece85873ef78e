package io.strato.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.strato.api.app.Channels;
import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import io.strato.api.cluster.SharedMap;
import org.osgi.service.jdbc.DataSourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * This node's database and the cluster's, opened the way {@link Mode} says; {@link StoreComponent} registers what
 * this offers through {@code offer}. Kept free of OSGi so tests run every mode with the real drivers.
 */
final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    /** Shared map where the serving node publishes {@link ServerAddress} under {@link #SERVER_KEY}. */
    static final String MAP = "strato.store";
    static final String SERVER_KEY = "server";
    /** What the Derby credentials are derived from the cluster secret for (see {@link io.strato.api.app.InternalAuth}). */
    static final String CREDENTIALS_PURPOSE = "strato.store.derby";

    enum Mode {
        EMBEDDED, SERVER, CLIENT, URL;

        static Mode parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mode '" + value + "' in etc/io.strato.store.cfg is not one of "
                        + "embedded, server, client, url");
            }
        }

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What {@code kato:store-status} shows. */
    record Status(Mode mode, String nodeLocation, String clusterLocation, Optional<DerbyServerProcess> server,
                  Optional<HikariPoolMXBean> pool) {
    }

    private final Mode mode;
    private final StoreConfig config;
    private final Path strato;
    private final DataSourceFactory embedded;
    private final DataSourceFactory urlDriver;
    private final Supplier<String> password;
    private final SharedMap map;
    private final String nodeId;
    private final String nodeAddress;
    private final BiConsumer<Database, List<String>> offer;

    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strato-store");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private volatile String nodeLocation = "";
    private volatile String clusterLocation = "";
    private HikariDataSource pool;
    /** This node's embedded Derby, pooled: a new embedded connection costs more than most of the queries run on it. */
    private HikariDataSource embeddedPool;
    private DerbyServerProcess server;
    private ServerAddress served;
    private boolean embeddedOpen;
    private boolean otherServerLogged;
    private volatile ServerAddress lastPublished;

    /**
     * @param dataDir     the node's data directory ({@code karaf.data}); this node's Derby is {@code strato/db} in it
     * @param secret      the cluster secret, read again for every new network connection
     * @param offer       called with each database and its scopes once it is open
     */
    Store(StoreConfig config, Path dataDir, DataSourceFactory embedded, DataSourceFactory urlDriver,
          Supplier<String> secret, SharedMap map, String nodeId, String nodeAddress, BiConsumer<Database, List<String>> offer) {
        Mode configured = Mode.parse(config.mode());
        if (configured == Mode.EMBEDDED && !config.url().isBlank()) {
            LOG.warn("etc/io.strato.store.cfg sets url but not mode: using mode=url (the cluster database at {}); "
                    + "add mode = url to say so", StoreComponent.withoutCredentials(config.url()));
            configured = Mode.URL;
        }
        if (configured == Mode.URL && config.url().isBlank()) {
            throw new IllegalArgumentException("mode=url needs url in etc/io.strato.store.cfg, e.g. url = jdbc:postgresql://db:5432/strato");
        }
        this.mode = configured;
        this.config = config;
        this.strato = dataDir.resolve("strato").toAbsolutePath();
        this.embedded = embedded;
        this.urlDriver = urlDriver;
        this.password = () -> io.strato.api.app.InternalAuth.token(secret.get(), CREDENTIALS_PURPOSE);
        this.map = map;
        this.nodeId = nodeId;
        this.nodeAddress = nodeAddress;
        this.offer = offer;
    }

    Mode mode() {
        return mode;
    }

    /** Opens what the mode needs; the cluster database of client and url modes follows in the background. */
    void open() throws StoreException, IOException {
        switch (mode) {
            case EMBEDDED -> {
                JdbcDatabase database = openEmbedded();
                clusterLocation = database.location(); // one database is both
                offer.accept(database, List.of(Database.NODE, Database.CLUSTER));
            }
            case SERVER -> openServer();
            case CLIENT -> {
                offer.accept(openEmbedded(), List.of(Database.NODE));
                pool = pool("strato-store-cluster", new DerbyClientDataSource(this::published, password), false);
                clusterLocation = "waiting for a node to serve the cluster database";
                background.execute(() -> openCluster(() -> published().map(ServerAddress::jdbcUrl)));
            }
            case URL -> {
                offer.accept(openEmbedded(), List.of(Database.NODE));
                Properties props = new Properties();
                props.setProperty(DataSourceFactory.JDBC_URL, config.url());
                if (!config.user().isBlank()) {
                    props.setProperty(DataSourceFactory.JDBC_USER, config.user());
                    props.setProperty(DataSourceFactory.JDBC_PASSWORD, config.password());
                }
                try {
                    pool = pool("strato-store-cluster", urlDriver.createDataSource(props), false);
                } catch (SQLException e) {
                    throw new StoreException("cannot use url " + StoreComponent.withoutCredentials(config.url()) + ": " + e.getMessage(), e);
                }
                clusterLocation = StoreComponent.withoutCredentials(config.url());
                background.execute(() -> openCluster(() -> Optional.of(StoreComponent.withoutCredentials(config.url()))));
            }
        }
    }

    Status status() {
        return new Status(mode, nodeLocation, clusterLocation, Optional.ofNullable(server),
                Optional.ofNullable(pool).map(HikariDataSource::getHikariPoolMXBean));
    }

    /**
     * The server a node publishes in the cluster; while none is (its node is restarting and the entry expired),
     * the last one published, since its server process most likely still runs.
     */
    Optional<ServerAddress> published() {
        try {
            Optional<ServerAddress> now = map.get(SERVER_KEY).map(ServerAddress::parse);
            if (now.isPresent()) {
                if (!now.get().equals(lastPublished)) {
                    LOG.info("The cluster database is served at {} (node {})", now.get().jdbcUrl(), now.get().node());
                }
                lastPublished = now.get();
            }
            return Optional.ofNullable(lastPublished);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring the cluster database address in the shared map {}: {}", MAP, e.getMessage());
            return Optional.ofNullable(lastPublished);
        }
    }

    private JdbcDatabase openEmbedded() throws StoreException {
        String url = "jdbc:derby:" + strato.resolve(StoreComponent.DATABASE) + ";create=true";
        try {
            // opens one connection at once, so a database that cannot open says why now
            embeddedPool = pool("strato-store-node", embedded.createDataSource(embeddedProps(url)), true);
            JdbcDatabase database = new JdbcDatabase(embeddedPool, StoreComponent.withoutCredentials(url));
            embeddedOpen = true;
            StoreComponent.ownerOnly(url);
            nodeLocation = database.location();
            LOG.info("Strato store opened: {}", database.location());
            return database;
        } catch (SQLException e) {
            throw new StoreException("cannot open the database at " + url + ": " + e.getMessage(), e);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StoreException("cannot open the database at " + url + ": " + cause.getMessage(), cause);
        }
    }

    /** The embedded database takes the cluster credentials too: once served, it asks everyone for them. */
    private Properties embeddedProps(String url) {
        Properties props = new Properties();
        props.setProperty(DataSourceFactory.JDBC_URL, url);
        props.setProperty(DataSourceFactory.JDBC_USER, DerbyClientDataSource.USER);
        props.setProperty(DataSourceFactory.JDBC_PASSWORD, password.get());
        return props;
    }

    private void openServer() throws StoreException, IOException {
        String host = config.serverHost().isBlank() ? nodeAddress : config.serverHost();
        String publishedHost = host.equals("0.0.0.0") ? nodeAddress : host;
        served = new ServerAddress(publishedHost, config.serverPort(), StoreComponent.DATABASE, nodeId);
        DerbyClientDataSource toServer = new DerbyClientDataSource(() -> Optional.of(served), password);
        server = new DerbyServerProcess(strato, strato.resolve("derby-server"), host, config.serverPort(),
                () -> answers(toServer), this::requireAuthentication);
        server.startOrAdopt();
        pool = pool("strato-store", toServer, false);
        JdbcDatabase database = new JdbcDatabase(pool, served.jdbcUrl());
        nodeLocation = database.location();
        clusterLocation = database.location();
        LOG.info("Strato store opened: {}, served to the cluster by a Derby network server (pid {})",
                database.location(), server.pid().map(String::valueOf).orElse("?"));
        offer.accept(database, List.of(Database.NODE, Database.CLUSTER));
        publish();
        long every = Channels.OWNED_TTL.toMillis() / 3;
        background.scheduleWithFixedDelay(this::publish, every, every, TimeUnit.MILLISECONDS);
    }

    /** Keeps this node's server in the shared map while it serves (the entry expires if this node dies for good). */
    private void publish() {
        try {
            Optional<ServerAddress> current = published();
            if (current.isPresent() && !current.get().node().equals(nodeId)) {
                if (!otherServerLogged) {
                    otherServerLogged = true;
                    LOG.error("Node {} already serves the cluster database ({}); this node's server is not published. "
                            + "Only one node may have mode=server: set mode=client here", current.get().node(), current.get().jdbcUrl());
                }
                return;
            }
            map.put(SERVER_KEY, served.published(), Channels.OWNED_TTL);
        } catch (RuntimeException e) {
            LOG.warn("Could not publish the cluster database address: {}", e.toString());
        }
    }

    /**
     * Derby BUILTIN authentication, set in the database itself (so it holds wherever the files are served from): one
     * user, whose password is derived from the cluster secret. Runs before the server starts, while no process has
     * the database open; the password is stored hashed by Derby.
     */
    private void requireAuthentication() {
        serverAuthentication();
        String url = "jdbc:derby:" + strato.resolve(StoreComponent.DATABASE);
        try (Connection c = embedded.createDataSource(embeddedProps(url + ";create=true")).getConnection();
             Statement st = c.createStatement()) {
            st.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.authentication.provider', 'BUILTIN')");
            st.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.user." + DerbyClientDataSource.USER + "', '"
                    + password.get() + "')");
            st.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.connection.requireAuthentication', 'true')");
            st.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.database.propertiesOnly', 'true')");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up authentication in " + strato.resolve(StoreComponent.DATABASE)
                    + " (" + e.getMessage() + "); if this node's cluster secret changed since it last served, "
                    + "the database still expects the old one", e);
        }
        shutdownEmbedded();
    }

    /**
     * The same login for the network server itself (its {@code derby.properties}, in the Derby home only the
     * server reads, owner-only): without it a client that reaches the port could create databases of its own or
     * shut the server down without logging in.
     */
    private void serverAuthentication() {
        Path properties = strato.resolve("derby.properties");
        try {
            Files.deleteIfExists(properties);
            Files.createFile(properties, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(properties, String.join("\n",
                    "derby.connection.requireAuthentication=true",
                    "derby.authentication.provider=BUILTIN",
                    "derby.user." + DerbyClientDataSource.USER + "=" + password.get(), ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Derby network server's login to " + properties, e);
        }
    }

    private void shutdownEmbedded() {
        try {
            embedded.createDataSource(embeddedProps("jdbc:derby:" + strato.resolve(StoreComponent.DATABASE) + ";shutdown=true"))
                    .getConnection().close();
        } catch (SQLException expected) {
            // Derby reports a clean shutdown as SQLState 08006; a database that was not booted is fine too
            LOG.debug("Derby closed: {}", expected.getMessage());
        }
        embeddedOpen = false;
    }

    private static boolean answers(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Retries until the cluster database opens (or the store closes), saying what it waits for. */
    private void openCluster(Supplier<Optional<String>> where) {
        long lastLog = 0;
        while (!closed) {
            Optional<String> location = where.get();
            try {
                if (location.isPresent()) {
                    JdbcDatabase database = new JdbcDatabase(pool, location.get());
                    clusterLocation = location.get();
                    LOG.info("Cluster database opened: {}", location.get());
                    offer.accept(database, List.of(Database.CLUSTER));
                    return;
                }
                if (System.nanoTime() - lastLog > TimeUnit.MINUTES.toNanos(1)) {
                    lastLog = System.nanoTime();
                    LOG.info("Waiting for the cluster database: no node serves it yet (mode = server in etc/io.strato.store.cfg "
                            + "on the node that should); the controller starts when it is there");
                }
            } catch (StoreException e) {
                if (System.nanoTime() - lastLog > TimeUnit.MINUTES.toNanos(1)) {
                    lastLog = System.nanoTime();
                    LOG.warn("Cannot reach the cluster database at {} yet: {}; trying again", location.orElse("?"), e.getMessage());
                }
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * A pool that checks a connection before handing it out, so connections to a restarted server are replaced; for
     * the embedded database it saves opening a Derby connection per request.
     */
    private HikariDataSource pool(String name, DataSource dataSource, boolean openNow) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setDataSource(dataSource);
        hikari.setMaximumPoolSize(Math.max(1, config.poolSize()));
        hikari.setMinimumIdle(0);
        hikari.setInitializationFailTimeout(openNow ? 1 : -1);
        hikari.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
        hikari.setValidationTimeout(Duration.ofSeconds(5).toMillis());
        hikari.setKeepaliveTime(Duration.ofMinutes(1).toMillis());
        hikari.setMaxLifetime(Duration.ofMinutes(30).toMillis());
        return new HikariDataSource(hikari);
    }

    /** A clean stop: the server this node runs ends too, and its address leaves the cluster. */
    @Override
    public void close() {
        release();
        if (served != null) {
            map.remove(SERVER_KEY, served.published());
        }
        if (server != null) {
            server.stop();
        }
        if (embeddedOpen) {
            shutdownEmbedded();
        }
        LOG.info("Strato store closed ({})", mode.key());
    }

    /** Lets go of everything but leaves the network server running, as a killed JVM does. */
    void abandon() {
        release();
        if (server != null) {
            server.abandon();
        }
    }

    private void release() {
        closed = true;
        background.shutdownNow();
        if (pool != null) {
            pool.close();
        }
        if (embeddedPool != null) {
            embeddedPool.close();
        }
    }
}
