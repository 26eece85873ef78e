package io.strato.store;

import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Opens the node's database from {@code etc/io.strato.store.cfg} and offers it as {@link Database}.
 * The JDBC driver comes as a {@link DataSourceFactory} service (pax-jdbc), so any database with a
 * pax-jdbc feature works by changing the URL and the factory filter.
 */
@Component(configurationPid = "io.strato.store", immediate = true)
@Designate(ocd = StoreConfig.class)
public class StoreComponent {

    private static final Logger LOG = LoggerFactory.getLogger(StoreComponent.class);

    /** The default driver; {@code dataSourceFactory.target} in the configuration picks another. */
    static final String DERBY_EMBEDDED = "(osgi.jdbc.driver.class=org.apache.derby.jdbc.EmbeddedDriver)";

    private final String url;
    private final ServiceRegistration<Database> registration;

    @Activate
    public StoreComponent(BundleContext context, StoreConfig config,
                          @Reference(name = "dataSourceFactory", target = DERBY_EMBEDDED) DataSourceFactory factory) throws SQLException, StoreException {
        this.url = config.url().isBlank() ? defaultUrl() : config.url();
        Properties props = new Properties();
        props.setProperty(DataSourceFactory.JDBC_URL, url);
        if (!config.user().isBlank()) {
            props.setProperty(DataSourceFactory.JDBC_USER, config.user());
            props.setProperty(DataSourceFactory.JDBC_PASSWORD, config.password());
        }
        DataSource dataSource = factory.createDataSource(props);
        JdbcDatabase database = new JdbcDatabase(dataSource, withoutCredentials(url));
        if (isEmbeddedDerby(url)) {
            dataSource.getConnection().close(); // creates the database now, so its directory can be closed to others
            ownerOnly(url);
        }
        LOG.info("Strato store opened: {}", database.location());
        this.registration = context.registerService(Database.class, database, null);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        if (isEmbeddedDerby(url)) {
            try {
                DriverManager.getConnection(url.replaceAll(";create=true", "") + ";shutdown=true").close();
            } catch (SQLException expected) {
                // Derby reports a clean shutdown as SQLState 08006
                LOG.debug("Derby closed: {}", expected.getMessage());
            }
        }
        LOG.info("Strato store closed: {}", withoutCredentials(url));
    }

    /** The embedded store holds every user's and app's data: only the node's user may read its directory. */
    static void ownerOnly(String url) {
        Optional<Path> dir = embeddedDirectory(url);
        if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
            return;
        }
        try {
            Files.setPosixFilePermissions(dir.get(), PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException | IOException e) {
            LOG.warn("Could not make the store directory {} readable by this node's user only: {}", dir.get(), e.toString());
        }
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

    static String defaultUrl() {
        String data = System.getProperty("karaf.data", "data");
        return "jdbc:derby:" + Path.of(data, "strato", "db").toAbsolutePath() + ";create=true";
    }

    static boolean isEmbeddedDerby(String url) {
        return url.startsWith("jdbc:derby:") && !url.startsWith("jdbc:derby://");
    }

    /** The URL without user/password parameters, fit for logs and {@code kato:info}. */
    static String withoutCredentials(String url) {
        return url.replaceAll("(?i)(password|user)=[^;&]*[;&]?", "");
    }
}
