package io.strato.services.rabbit;

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
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The rabbit service (AMQP 0-9-1, RabbitMQ-compatible): every service instance is its own virtual host, every
 * binding its own user with a random password that may open that virtual host only. The virtual hosts live on
 * the plugin's own broker (Qpid Broker-J in a child JVM run and supervised by this plugin, {@link QpidBroker}),
 * or, with {@code externalHost} set, on an existing RabbitMQ managed through its management HTTP API
 * ({@link RabbitManagementApi}). Immediate, so the own broker comes back as soon as the node starts.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.rabbit", immediate = true)
@Designate(ocd = RabbitServicePlugin.Config.class)
public final class RabbitServicePlugin implements ServicePlugin, Role {

    /** Configuration of {@code etc/io.strato.service.rabbit.cfg}. */
    @ObjectClassDefinition(name = "Strato rabbit service", description = "An AMQP broker on this node (or an external RabbitMQ): a virtual host per service instance")
    public @interface Config {
        @AttributeDefinition(description = "Where the service keeps its files; blank means ${karaf.data}/strato/services/rabbit")
        String dataDir() default "";
        @AttributeDefinition(description = "Address the broker listens on and apps connect to; the node's address for apps on other nodes")
        String host() default "127.0.0.1";
        @AttributeDefinition(description = "The port the server listens on")
        int port() default 15673;
        @AttributeDefinition(description = "The java binary the broker runs on; blank means the node's own")
        String javaBinary() default "";
        @AttributeDefinition(description = "Maximum heap of the broker's JVM")
        int heapMb() default 128;
        @AttributeDefinition(description = "Maximum direct memory of the broker's JVM: message buffers; the broker flows messages to disk at 75 % of it")
        int directMemoryMb() default 128;
        @AttributeDefinition(description = "Seconds the server may take to answer on its port when it starts")
        int startTimeoutSeconds() default 60;
        @AttributeDefinition(description = "The system user the broker runs as when the node is root; blank: strato-rabbit, created when missing")
        String runAs() default "";
        @AttributeDefinition(description = "Set to use an existing RabbitMQ instead of running a broker; then adminUser and adminPassword are its administrator")
        String externalHost() default "";
        @AttributeDefinition(description = "The external server's AMQP port, what apps are told")
        int externalPort() default 5672;
        @AttributeDefinition(description = "The external RabbitMQ management API; blank means http://<externalHost>:15672")
        String managementUrl() default "";
        @AttributeDefinition(description = "The external server's admin user")
        String adminUser() default "guest";
        @AttributeDefinition(description = "The external server's admin password", type = AttributeType.PASSWORD)
        String adminPassword() default "";
    }

    /** Stackato's label, so apps that read VCAP_SERVICES["rabbitmq"] find it. */
    static final String LABEL = "rabbitmq";
    static final String VERSION = QpidBroker.VERSION;
    /** Binding users are "b-" and the binding id; the external mode deletes only such users of a virtual host. */
    static final String USER_PREFIX = "b-";
    private static final String PLAN = "free";
    private static final String VHOST = "vhost";
    private static final System.Logger LOG = System.getLogger(RabbitServicePlugin.class.getName());

    private final SecureRandom random = new SecureRandom();
    private final RabbitBackend backend;

    @Activate
    public RabbitServicePlugin(Config config) {
        this(config.externalHost().isBlank() ? new QpidBroker(config)
                : new RabbitManagementApi(config.externalHost().trim(), config.externalPort(), config.managementUrl(), config.adminUser(),
                        config.adminPassword()));
    }

    RabbitServicePlugin(RabbitBackend backend) {
        this.backend = backend;
    }

    @Deactivate
    void deactivate() {
        backend.close();
    }

    @Override
    public String name() {
        return "rabbit";
    }

    @Override
    public String description() {
        return "RabbitMQ-compatible AMQP 0-9-1 data service: a virtual host per service instance, a user per binding";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry(LABEL, VERSION, backend.description(),
                List.of("amqp", "rabbitmq", "message-queue"),
                List.of(new ServicePlan(PLAN, "Own virtual host on the node's AMQP broker", true)));
    }

    @Override
    public synchronized ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters) throws ServiceException {
        String vhost = nameOf(instanceId);
        try {
            backend.createVirtualHost(vhost);
        } catch (IOException e) {
            throw new ServiceException("could not create the virtual host of rabbit instance " + instanceId + ": " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "rabbit instance " + instanceId + ": created virtual host " + vhost);
        return new ServiceInstance(instanceId, plan, Map.of(VHOST, vhost));
    }

    /** Every binding is its own user, allowed on the instance's virtual host only; binding again gives a new password. */
    @Override
    public synchronized ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        String vhost = detail(instance, VHOST);
        String user = userOf(bindingId);
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String password = HexFormat.of().formatHex(bytes);
        try {
            backend.createUser(user, password, vhost);
        } catch (IOException e) {
            throw new ServiceException("could not create a user for binding " + bindingId + " of rabbit instance " + instance.id() + ": "
                    + e.getMessage(), e);
        }
        String host = backend.host();
        int port = backend.port();
        String uri = "amqp://" + user + ":" + password + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + vhost;
        return new ServiceCredentials(uri, vhost, host, port, user, password, Map.of(VHOST, vhost));
    }

    /** Deletes the binding's user and closes its connections: its credentials stop working at once. */
    @Override
    public synchronized void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        try {
            backend.deleteUser(userOf(bindingId));
        } catch (IOException e) {
            throw new ServiceException("could not delete the user of binding " + bindingId + " of rabbit instance " + instance.id() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Deletes the virtual host with its queues and messages, and every user allowed on it. */
    @Override
    public synchronized void deprovision(ServiceInstance instance) throws ServiceException {
        String vhost = detail(instance, VHOST);
        boolean existed;
        try {
            existed = backend.deleteVirtualHost(vhost);
        } catch (IOException e) {
            throw new ServiceException("could not delete rabbit instance " + instance.id() + ": " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "rabbit instance " + instance.id() + ": deleted virtual host " + vhost + (existed ? "" : " (it was already gone)"));
    }

    @Override
    public ServiceHealth health() {
        return backend.health();
    }

    /** Virtual host name from an instance id: letters, digits, '_', '.' and '-', which need no escaping in the URI. */
    static String nameOf(String id) {
        String name = id.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
            name = "v" + name;
        }
        return name.length() > 90 ? name.substring(0, 90) : name;
    }

    static String userOf(String bindingId) {
        return USER_PREFIX + nameOf(bindingId);
    }

    private static String detail(ServiceInstance instance, String key) throws ServiceException {
        String value = instance.details().get(key);
        if (value == null) {
            throw new ServiceException("rabbit instance " + instance.id() + " has no " + key + "; was it provisioned by this plugin?");
        }
        return value;
    }
}
