package io.strato.services.postgresql;

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
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
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
 * The postgresql service: one PostgreSQL server per node (run and supervised by this plugin, or an
 * external one set in the configuration); every service instance is its own database owned by its own
 * role, every binding its own login role with a random password, and only those roles may connect to it.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.postgresql", immediate = true)
@Designate(ocd = PostgresServicePlugin.Config.class)
public final class PostgresServicePlugin implements ServicePlugin, Role {

    /** Configuration of {@code etc/io.strato.service.postgresql.cfg}. */
    @ObjectClassDefinition(name = "Strato postgresql service", description = "A PostgreSQL server on this node (or an external one): a database per service instance, a login role per binding")
    public @interface Config {
        @AttributeDefinition(description = "Where the service keeps its files; blank means ${karaf.data}/strato/services/postgresql")
        String dataDir() default "";
        @AttributeDefinition(description = "Address the node's server listens on and apps connect to")
        String host() default "127.0.0.1";
        @AttributeDefinition(description = "The port the server listens on")
        int port() default 15432;
        @AttributeDefinition(description = "A CIDR allowed to connect besides loopback, e.g. the cluster's network when host is the node address")
        String allowedNetwork() default "";
        @AttributeDefinition(description = "The system user the server runs as when the node is root; blank: strato-postgresql, created when missing")
        String runAs() default "";
        @AttributeDefinition(description = "Seconds the server may take to answer on its port when it starts")
        int startTimeoutSeconds() default 60;
        @AttributeDefinition(description = "Set to use an existing server instead of running one; then adminUser and adminPassword are its superuser")
        String externalHost() default "";
        @AttributeDefinition(description = "The external server's port")
        int externalPort() default 5432;
        @AttributeDefinition(description = "The external server's admin user")
        String adminUser() default "postgres";
        @AttributeDefinition(description = "The external server's admin password", type = AttributeType.PASSWORD)
        String adminPassword() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServicePlugin.class);
    private static final String PLAN = "free";
    private static final String DATABASE = "database";
    private static final String OWNER = "owner";

    private final String host;
    private final int port;
    private final PostgresServer server;
    private final PostgresAdmin admin;
    private final String startFailure;

    @Activate
    public PostgresServicePlugin(Config config) {
        PostgresServer ownServer = null;
        PostgresAdmin adminLogin = null;
        String failure = null;
        if (!config.externalHost().isBlank()) {
            this.host = config.externalHost();
            this.port = config.externalPort();
            adminLogin = new PostgresAdmin(host, port, config.adminUser(), config.adminPassword());
        } else {
            this.host = config.host();
            this.port = config.port();
            Path dataDir = config.dataDir().isBlank()
                    ? Path.of(System.getProperty("karaf.data", "data"), "strato", "services", "postgresql")
                    : Path.of(config.dataDir());
            try {
                ownServer = new PostgresServer(dataDir, host, port, config.allowedNetwork(), ServerUser.forServer("postgresql", config.runAs()),
                        Duration.ofSeconds(config.startTimeoutSeconds()));
                AdminLogin login = ownServer.start();
                PostgresServer started = ownServer;
                adminLogin = new PostgresAdmin(host, port, login.user(), login.password(), started::requireOwnServer);
            } catch (IOException e) {
                failure = e.getMessage();
                LOG.error("postgresql server could not be started: {}", failure);
            }
        }
        this.server = ownServer;
        this.admin = adminLogin;
        if (failure == null) {
            failure = lockDown(Duration.ofSeconds(config.startTimeoutSeconds()));
        }
        this.startFailure = failure;
    }

    @Deactivate
    void deactivate() {
        if (admin != null) {
            admin.closeHealthSession();
        }
        if (server == null) {
            return;
        }
        if (startFailure == null) {
            try {
                admin.endClientSessions();
            } catch (SQLException e) {
                LOG.warn("could not end client sessions before stopping postgresql: {}", e.getMessage());
            }
        }
        server.close();
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String description() {
        return "PostgreSQL data service: a database per service instance, a login role per binding";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("postgresql", "14", "PostgreSQL relational database", List.of("relational", "postgresql"),
                List.of(new ServicePlan(PLAN, "Own database and user on the node's PostgreSQL server", true)));
    }

    @Override
    public synchronized ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters)
            throws ServiceException {
        PostgresAdmin ready = ready();
        String database = "d" + nameOf(instanceId);
        String owner = "u" + nameOf(instanceId);
        try {
            if (ready.databaseExists(database)) {
                throw new ServiceException("postgresql instance " + instanceId + " already exists");
            }
            ready.createDatabase(database, owner);
        } catch (SQLException e) {
            throw new ServiceException("could not create database for postgresql instance " + instanceId + ": " + e.getMessage(), e);
        }
        return new ServiceInstance(instanceId, plan, Map.of(DATABASE, database, OWNER, owner));
    }

    /** Every binding is its own login role, a member of the instance's owner role. */
    @Override
    public synchronized ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        PostgresAdmin ready = ready();
        String database = detail(instance, DATABASE);
        String login = "b" + nameOf(bindingId);
        String password = PostgresServer.newPassword();
        try {
            ready.createLogin(detail(instance, OWNER), login, password);
        } catch (SQLException e) {
            throw new ServiceException("could not create a user for binding " + bindingId + " of postgresql instance "
                    + instance.id() + ": " + e.getMessage(), e);
        }
        String uri = "postgres://" + login + ":" + password + "@" + host + ":" + port + "/" + database;
        return new ServiceCredentials(uri, database, host, port, login, password, Map.of());
    }

    /** Drops the binding's role and ends its sessions: its credentials stop working at once. */
    @Override
    public synchronized void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        PostgresAdmin ready = ready();
        try {
            ready.dropLogin(detail(instance, DATABASE), detail(instance, OWNER), "b" + nameOf(bindingId));
        } catch (SQLException e) {
            throw new ServiceException("could not drop the user of binding " + bindingId + " of postgresql instance "
                    + instance.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void deprovision(ServiceInstance instance) throws ServiceException {
        PostgresAdmin ready = ready();
        try {
            ready.dropDatabase(detail(instance, DATABASE), detail(instance, OWNER));
        } catch (SQLException e) {
            throw new ServiceException("could not drop postgresql instance " + instance.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ServiceHealth health() {
        if (startFailure != null) {
            return ServiceHealth.down(startFailure);
        }
        try {
            admin.requireAnswer();
            return ServiceHealth.up("postgresql server at " + host + ":" + port + " answers");
        } catch (SQLException e) {
            return ServiceHealth.down("postgresql server at " + host + ":" + port + " does not answer: " + e.getMessage());
        }
    }

    /** The server may listen a moment before it accepts logins (recovery after a crash): retry until the timeout. */
    private String lockDown(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                admin.lockDownMaintenanceDatabases();
                return null;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    String failure = "cannot log in to postgresql at " + host + ":" + port + " as superuser: " + e.getMessage();
                    LOG.error(failure);
                    return failure;
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for postgresql";
            }
        }
    }

    private PostgresAdmin ready() throws ServiceException {
        if (startFailure != null) {
            throw new ServiceException("postgresql is not available on this node: " + startFailure);
        }
        return admin;
    }

    /** Identifiers from an instance id: lower case letters, digits and underscores, within PostgreSQL's 63 bytes. */
    private static String nameOf(String instanceId) {
        String name = instanceId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        return name.length() > 62 ? name.substring(0, 62) : name;
    }

    private static String detail(ServiceInstance instance, String key) throws ServiceException {
        String value = instance.details().get(key);
        if (value == null) {
            throw new ServiceException("postgresql instance " + instance.id() + " has no " + key + "; was it provisioned by this plugin?");
        }
        return value;
    }
}
