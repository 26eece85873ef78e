package io.strato.services.mysql;

import io.strato.api.service.process.AdminLogin;
import io.strato.api.service.process.ServerUser;
import io.strato.api.role.Role;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServicePlan;
import io.strato.api.service.ServicePlugin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mysql service: one MariaDB server per node (run and supervised by this plugin, or an external MySQL or
 * MariaDB server set in the configuration); every service instance is its own database, every binding its
 * own user with a random password and privileges on that database only.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.mysql", immediate = true)
@Designate(ocd = MysqlServicePlugin.Config.class)
public final class MysqlServicePlugin implements ServicePlugin, Role {

    /** Configuration of {@code etc/io.strato.service.mysql.cfg}. */
    @ObjectClassDefinition(name = "Strato mysql service", description = "A MariaDB server on this node (or an external one): a database and a user per service instance")
    public @interface Config {
        @AttributeDefinition(description = "Where the service keeps its files; blank means ${karaf.data}/strato/services/mysql")
        String dataDir() default "";
        @AttributeDefinition(description = "Address the node's server listens on and apps connect to")
        String host() default "127.0.0.1";
        @AttributeDefinition(description = "The port the server listens on")
        int port() default 13306;
        @AttributeDefinition(description = "InnoDB buffer pool of the node's server, in MB")
        int bufferPoolMb() default 128;
        @AttributeDefinition(description = "The user the server runs as when the node is root; \"root\" keeps it root (mariadbd --user=root)")
        String runAs() default "";
        @AttributeDefinition(description = "Seconds the server may take to answer on its port when it starts")
        int startTimeoutSeconds() default 60;
        @AttributeDefinition(description = "Set to use an existing MySQL or MariaDB server instead of running one; then adminUser and adminPassword are its admin")
        String externalHost() default "";
        @AttributeDefinition(description = "The external server's port")
        int externalPort() default 3306;
        @AttributeDefinition(description = "The external server's admin user")
        String adminUser() default "root";
        @AttributeDefinition(description = "The external server's admin password", type = AttributeType.PASSWORD)
        String adminPassword() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(MysqlServicePlugin.class);
    private static final String PLAN = "free";
    private static final String DATABASE = "database";
    /** MySQL 8 allows 32 characters in a user name, MariaDB 80; database names have 64. */
    private static final int MAX_USER = 32;
    private static final int MAX_DATABASE = 64;

    private final String host;
    private final int port;
    private final MariaDbServer server;
    private final MysqlAdmin admin;
    private final String startFailure;

    @Activate
    public MysqlServicePlugin(Config config) {
        MariaDbServer ownServer = null;
        MysqlAdmin adminLogin = null;
        String failure = null;
        if (!config.externalHost().isBlank()) {
            this.host = config.externalHost();
            this.port = config.externalPort();
            adminLogin = new MysqlAdmin(host, port, config.adminUser(), config.adminPassword());
            LOG.info("mysql: using the external server at {}:{} as {}", host, port, config.adminUser());
        } else {
            this.host = config.host();
            this.port = config.port();
            Path dataDir = config.dataDir().isBlank()
                    ? Path.of(System.getProperty("karaf.data", "data"), "strato", "services", "mysql")
                    : Path.of(config.dataDir());
            try {
                ownServer = new MariaDbServer(dataDir, host, port, config.bufferPoolMb(), ServerUser.forServer("mysql", config.runAs()),
                        Duration.ofSeconds(config.startTimeoutSeconds()));
                AdminLogin login = ownServer.start();
                MariaDbServer started = ownServer;
                adminLogin = new MysqlAdmin(host, port, login.user(), login.password(), started::requireOwnServer);
            } catch (IOException e) {
                failure = e.getMessage();
                LOG.error("mysql: the MariaDB server could not be started: {}", failure);
                if (ownServer != null) {
                    ownServer.close();
                }
            }
        }
        this.server = ownServer;
        this.admin = adminLogin;
        if (failure == null) {
            failure = checkAdmin(Duration.ofSeconds(config.startTimeoutSeconds()));
        }
        this.startFailure = failure;
    }

    @Deactivate
    void deactivate() {
        if (admin != null) {
            admin.closeHealthSession();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public String description() {
        return "MySQL data service (MariaDB 11.4): a database per service instance, a user per binding";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("mysql", "11.4", "MySQL-compatible relational database (MariaDB)", List.of("relational", "mysql"),
                List.of(new ServicePlan(PLAN, "Own database and user on the node's MySQL (MariaDB) server", true)));
    }

    @Override
    public synchronized ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters)
            throws ServiceException {
        MysqlAdmin ready = ready();
        String database = nameOf("d", instanceId, MAX_DATABASE);
        try {
            if (ready.databaseExists(database)) {
                throw new ServiceException("mysql instance " + instanceId + " already exists");
            }
            ready.createDatabase(database);
        } catch (SQLException e) {
            throw new ServiceException("could not create database for mysql instance " + instanceId + ": " + e.getMessage(), e);
        }
        LOG.info("mysql: created database {} for service instance {}", database, instanceId);
        return new ServiceInstance(instanceId, plan, Map.of(DATABASE, database));
    }

    /** Every binding is its own user with every privilege on the instance's database and none elsewhere. */
    @Override
    public synchronized ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        MysqlAdmin ready = ready();
        String database = detail(instance, DATABASE);
        String login = nameOf("b", bindingId, MAX_USER);
        String password = MariaDbServer.newPassword();
        try {
            ready.createLogin(database, login, password);
        } catch (SQLException e) {
            throw new ServiceException("could not create a user for binding " + bindingId + " of mysql instance "
                    + instance.id() + ": " + e.getMessage(), e);
        }
        LOG.info("mysql: created user {} for binding {} of database {}", login, bindingId, database);
        String uri = "mysql://" + login + ":" + password + "@" + host + ":" + port + "/" + database;
        return new ServiceCredentials(uri, database, host, port, login, password, Map.of());
    }

    /** Drops the binding's user and ends its sessions: its credentials stop working at once. */
    @Override
    public synchronized void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        MysqlAdmin ready = ready();
        String login = nameOf("b", bindingId, MAX_USER);
        try {
            ready.dropLogin(login);
        } catch (SQLException e) {
            throw new ServiceException("could not drop the user of binding " + bindingId + " of mysql instance "
                    + instance.id() + ": " + e.getMessage(), e);
        }
        LOG.info("mysql: dropped user {} of binding {}", login, bindingId);
    }

    /** Drops every binding's user (ending their sessions) and the database with its data. */
    @Override
    public synchronized void deprovision(ServiceInstance instance) throws ServiceException {
        MysqlAdmin ready = ready();
        String database = detail(instance, DATABASE);
        try {
            ready.dropDatabase(database);
        } catch (SQLException e) {
            throw new ServiceException("could not drop mysql instance " + instance.id() + ": " + e.getMessage(), e);
        }
        LOG.info("mysql: dropped database {} of service instance {} and its users", database, instance.id());
    }

    @Override
    public ServiceHealth health() {
        if (startFailure != null) {
            return ServiceHealth.down(startFailure);
        }
        try {
            admin.requireAnswer();
            return ServiceHealth.up("mysql server at " + host + ":" + port + " answers");
        } catch (SQLException e) {
            return ServiceHealth.down("mysql server at " + host + ":" + port + " does not answer: " + e.getMessage());
        }
    }

    MysqlAdmin admin() {
        return admin;
    }

    MariaDbServer server() {
        return server;
    }

    /** The admin must log in; on the own server anonymous accounts are dropped (retried while the server recovers). */
    private String checkAdmin(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (server != null) {
                    admin.dropAnonymousUsers();
                } else {
                    admin.connect().close();
                }
                return null;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    String failure = "cannot log in to mysql at " + host + ":" + port + " as admin: " + e.getMessage();
                    LOG.error("mysql: {}", failure);
                    return failure;
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for mysql";
            }
        }
    }

    private MysqlAdmin ready() throws ServiceException {
        if (startFailure != null) {
            throw new ServiceException("mysql is not available on this node: " + startFailure);
        }
        return admin;
    }

    /**
     * A name from an id: the prefix, then lower case letters, digits and underscores. When that is too long it
     * keeps the start of it and ends with a hash of the whole id, so two long ids never share a name.
     */
    static String nameOf(String prefix, String id, int max) {
        String name = prefix + id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        if (name.length() <= max) {
            return name;
        }
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
            return name.substring(0, max - 9) + "_" + hash.substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String detail(ServiceInstance instance, String key) throws ServiceException {
        String value = instance.details().get(key);
        if (value == null) {
            throw new ServiceException("mysql instance " + instance.id() + " has no " + key + "; was it provisioned by this plugin?");
        }
        return value;
    }
}
