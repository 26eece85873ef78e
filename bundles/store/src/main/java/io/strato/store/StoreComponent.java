package io.strato.store;

import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedState;
import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

/**
 * Opens this node's database and the cluster's as {@code etc/io.strato.store.cfg} says (see {@link Store}) and
 * registers each as a {@link Database} with its {@link Database#SCOPE}. The JDBC drivers come as
 * {@link DataSourceFactory} services (pax-jdbc), so any database with a pax-jdbc driver works for mode=url by
 * changing the URL and the factory filter.
 */
@Component(configurationPid = StoreComponent.PID, immediate = true, service = StoreShell.class)
@Designate(ocd = StoreConfig.class)
public class StoreComponent implements StoreShell {

    private static final Logger LOG = LoggerFactory.getLogger(StoreComponent.class);

    static final String PID = "io.strato.store";
    /** The embedded driver; also the default of {@code dataSourceFactory.target} (the mode=url driver). */
    static final String DERBY_EMBEDDED = "(osgi.jdbc.driver.class=org.apache.derby.jdbc.EmbeddedDriver)";
    static final int DEFAULT_SERVER_PORT = 1527;
    /** This node's Derby database: {@code ${karaf.data}/strato/db}. */
    static final String DATABASE = "db";

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final DataSourceFactory embedded;
    private final DataSourceFactory urlDriver;
    private final ClusterSecret secret;
    private final SharedState shared;
    private final ClusterView cluster;
    private final List<ServiceRegistration<Database>> registrations = new ArrayList<>();
    private StoreConfig config;
    private volatile Store store;
    private boolean deactivated;

    @Activate
    public StoreComponent(BundleContext context, StoreConfig config,
                          @Reference(name = "embeddedDriver", target = DERBY_EMBEDDED) DataSourceFactory embedded,
                          @Reference(name = "dataSourceFactory", target = DERBY_EMBEDDED) DataSourceFactory urlDriver,
                          @Reference ClusterSecret secret, @Reference SharedState shared, @Reference ClusterView cluster,
                          @Reference ConfigurationAdmin configAdmin) throws StoreException, IOException {
        this.context = context;
        this.configAdmin = configAdmin;
        this.embedded = embedded;
        this.urlDriver = urlDriver;
        this.secret = secret;
        this.shared = shared;
        this.cluster = cluster;
        open(config);
    }

    private void open(StoreConfig config) throws StoreException, IOException {
        this.config = config;
        this.store = new Store(config, Path.of(System.getProperty("karaf.data", "data")), embedded, urlDriver,
                secret::value, shared.map(Store.MAP), cluster.localNode().id(), cluster.localNode().address(), this::register);
        try {
            store.open();
        } catch (StoreException | IOException | RuntimeException e) {
            LOG.error("The store could not open ({} mode): {}", store.mode().key(), e.getMessage());
            store.close();
            throw e;
        }
    }

    /**
     * A configuration that says what the store already does (the commented .cfg a feature installs, an edit of
     * comments) changes nothing: the databases stay open and their users keep running. Otherwise the store closes
     * and opens again as the new configuration says.
     */
    @Modified
    void modified(StoreConfig changed) throws StoreException, IOException {
        if (sameSettings(config, changed)) {
            return;
        }
        LOG.info("The store's configuration changed: re-opening it ({} mode)", changed.mode());
        synchronized (this) {
            registrations.forEach(ServiceRegistration::unregister);
            registrations.clear();
        }
        store.close();
        open(changed);
    }

    static boolean sameSettings(StoreConfig a, StoreConfig b) {
        return a.mode().equals(b.mode()) && a.url().equals(b.url()) && a.user().equals(b.user())
                && a.password().equals(b.password()) && a.dataSourceFactory_target().equals(b.dataSourceFactory_target())
                && a.serverHost().equals(b.serverHost()) && a.serverPort() == b.serverPort() && a.poolSize() == b.poolSize();
    }

    private synchronized void register(Database database, List<String> scopes) {
        if (deactivated) {
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Database.SCOPE, scopes.toArray(new String[0]));
        registrations.add(context.registerService(Database.class, database, props));
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            deactivated = true;
            registrations.forEach(ServiceRegistration::unregister);
            registrations.clear();
        }
        store.close();
    }

    @Override
    public String status() {
        return format(store.status());
    }

    static String format(Store.Status status) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-18s%s%n", "Mode:", status.mode().key()));
        out.append(String.format("%-18s%s%n", "Node database:", status.nodeLocation()));
        out.append(String.format("%-18s%s%n", "Cluster database:", status.clusterLocation()));
        status.server().ifPresent(server -> out.append(String.format("%-18s%s, pid %s, %s:%d, %d restart(s)%n",
                "Network server:", server.state().name().toLowerCase(java.util.Locale.ROOT),
                server.pid().map(String::valueOf).orElse("-"), server.host(), server.port(), server.restarts())));
        status.pool().ifPresent(pool -> out.append(String.format("%-18s%d in use, %d idle, %d waiting%n",
                "Connections:", pool.getActiveConnections(), pool.getIdleConnections(), pool.getThreadsAwaitingConnection())));
        return out.toString();
    }

    /**
     * Makes this node serve its database to the cluster ({@code kato:store-serve}): writes mode=server, after
     * which the store re-opens the same files through a network server.
     */
    @Override
    public String serve(Optional<Integer> port) throws IOException {
        switch (store.mode()) {
            case SERVER -> {
                if (port.isEmpty()) {
                    return "This node already serves the cluster database (" + store.status().clusterLocation() + ")";
                }
            }
            case CLIENT -> throw new IllegalStateException("This node uses the cluster database another node serves ("
                    + store.status().clusterLocation() + "); run kato:store-serve on that node, or stop its server "
                    + "(mode = embedded there) before serving from here");
            case URL -> throw new IllegalStateException("This node's cluster database is " + store.status().clusterLocation()
                    + " (mode = url); set mode = server in etc/io.strato.store.cfg only if it should serve its own Derby instead");
            default -> {
            }
        }
        Configuration cfg = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = Optional.ofNullable(cfg.getProperties()).orElseGet(Hashtable::new);
        props.put("mode", "server");
        port.ifPresent(p -> props.put("serverPort", p));
        cfg.update(props);
        return "This node now serves its database to the cluster (mode = server in etc/io.strato.store.cfg); "
                + "the store re-opens in a few seconds: see kato:store-status";
    }

    /** The embedded store holds every user's and app's data: only the node's user may read its directory. */
    static void ownerOnly(String url) {
        embeddedDirectory(url).ifPresent(DerbyServerProcess::ownerOnly);
    }

    /** The directory of an embedded Derby database on disk, e.g. {@code jdbc:derby:/x/data/strato/db;create=true}. */
    static Optional<Path> embeddedDirectory(String url) {
        if (!isEmbeddedDerby(url)) {
            return Optional.empty();
        }
        String name = url.substring("jdbc:derby:".length()).split(";", 2)[0];
        if (name.isBlank() || name.matches("^(memory|classpath|jar):.*")) {
            return Optional.empty();
        }
        name = name.replaceFirst("^directory:", "");
        Path path = Path.of(name);
        return Optional.of(path.isAbsolute() ? path : Path.of(System.getProperty("derby.system.home", ".")).resolve(path));
    }

    static boolean isEmbeddedDerby(String url) {
        return url.startsWith("jdbc:derby:") && !url.startsWith("jdbc:derby://");
    }

    /** The URL without user/password parameters, fit for logs and {@code kato:store-status}. */
    static String withoutCredentials(String url) {
        return url.replaceAll("(?i)(password|user)=[^;&]*[;&]?", "");
    }
}
