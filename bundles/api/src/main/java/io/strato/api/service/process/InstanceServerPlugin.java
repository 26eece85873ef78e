package io.strato.api.service.process;

import io.strato.api.net.PortGuard;
import io.strato.api.role.Role;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServicePlugin;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The base of a service plugin that runs one server process per service instance (redis, memcached, mongodb,
 * ...). It holds what every such plugin shares: the instances' directories under {@code dataDir}, a port per
 * instance from the configured range, servers supervised and run as the service's own system user, deletion on
 * deprovision, health, and, for a server that cannot authenticate clients, per-uid port rules granted on bind and
 * revoked on unbind. A plugin is then its catalog entry, its server's command line and its credentials:
 *
 * <pre>{@code
 * @Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.example.service.echo", immediate = true)
 * public final class EchoPlugin extends InstanceServerPlugin {
 *     @Activate
 *     public EchoPlugin(Config config) {
 *         super(new Settings("echo", config.dataDir(), config.host(), config.portFirst(), config.portLast(),
 *                 config.runAs(), config.startTimeoutSeconds(), true));
 *         startServers();
 *     }
 *     @Deactivate void deactivate() { close(); }
 *     public ServiceCatalogEntry catalog() { ... }
 *     protected List<String> command(Path dir, InstanceServer instance) { return List.of("/usr/bin/echo-server", ...); }
 *     protected ServiceCredentials credentials(ServiceInstance instance, ServiceBinding binding, InstanceServer server) { ... }
 * }
 * }</pre>
 */
public abstract class InstanceServerPlugin implements ServicePlugin, Role, AutoCloseable {

    /**
     * What every instance-server plugin's configuration holds.
     *
     * @param label               the service's label, as in its catalog entry; also names its system user
     *                            ({@code strato-<label>}) and default data directory
     * @param dataDir             blank means {@code ${karaf.data}/strato/services/<label>}
     * @param host                where the servers listen and apps connect
     * @param runAs               the servers' system user when the node is root; blank means {@code strato-<label>}
     * @param guardPorts          true for a server without authentication: only bound apps' uids (and the node) may
     *                            connect to an instance's port from this machine
     */
    public record Settings(String label, String dataDir, String host, int portFirst, int portLast, String runAs,
                           int startTimeoutSeconds, boolean guardPorts) {
    }

    private static final Pattern BINDING_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    protected final String host;
    protected final Path dataDir;
    protected final ServerUser user;
    protected final InstanceServers servers;
    private final SecureRandom random = new SecureRandom();
    private String classPath;

    /** Prepares the directories, the system user and the (not yet started) servers; see {@link #startServers}. */
    protected InstanceServerPlugin(Settings settings) {
        this.host = settings.host();
        this.dataDir = InstanceServers.dataDir(settings.dataDir(), settings.label());
        try {
            this.user = ServerUser.forServer(settings.label(), settings.runAs());
            // the node's, passable by the servers' user on the way to their own directories
            user.prepareParent(dataDir);
            this.servers = new InstanceServers(settings.label() + " server", dataDir.resolve("instances"),
                    new PortAllocator(settings.host(), settings.portFirst(), settings.portLast()),
                    Duration.ofSeconds(settings.startTimeoutSeconds()), user, (dir, instance) -> {
                        try {
                            return command(dir, instance);
                        } catch (ServiceException e) {
                            throw new IOException(e.getMessage(), e);
                        }
                    });
            if (settings.guardPorts()) {
                servers.guardPorts(PortGuard.open(PortGuard.serviceChain(settings.label(), dataDir.toAbsolutePath().toString())));
            }
        } catch (IOException e) {
            throw new IllegalStateException("the " + settings.label() + " service cannot start: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the servers of the instances that exist; call it last in the plugin's activation, once what
     * {@link #command} needs is set.
     */
    protected final void startServers() {
        servers.startAll();
    }

    /**
     * The command line of one instance's server: it must listen on {@code instance.port()} and keep its data in
     * {@code dir}, which belongs to the servers' user; it runs as that user. Called before every start of the
     * server, so it may also prepare what the server reads.
     */
    protected abstract List<String> command(Path dir, InstanceServer instance) throws IOException, ServiceException;

    /** What an app bound to {@code instance} gets; its uid already has access when the ports are guarded. */
    protected abstract ServiceCredentials credentials(ServiceInstance instance, ServiceBinding binding, InstanceServer server)
            throws ServiceException;

    /** Facts kept with a new instance (passwords, database names, sizes) for its command and credentials. */
    protected Map<String, String> newInstanceFacts(String plan, Map<String, String> parameters) {
        return Map.of();
    }

    /** A new random secret (a password, a database name), 36 hex digits. */
    protected final String newSecret() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * For a server that runs in a child JVM: its class path, unpacked once per activation from this plugin's bundle
     * into {@code <dataDir>/server} (see {@link ServerClassPath} for what the bundle carries).
     *
     * @param launchers the plugin's launcher classes, by name; none when the server's own main class is run
     */
    protected final synchronized String serverClassPath(String... launchers) throws IOException {
        if (classPath == null) {
            classPath = ServerClassPath.unpack(getClass(), List.of(launchers), dataDir.resolve("server"),
                    "the " + catalog().label() + " server");
        }
        return classPath;
    }

    /** The java binary this node runs on, for servers that run in a child JVM. */
    protected static String nodeJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The binding's id, checked to be fit for a user name in the server's language (letters, digits, '-' and '_',
     * at most 100), so that it can never break out of a command or a quoted name.
     */
    protected static String bindingName(ServiceBinding binding) throws ServiceException {
        if (!BINDING_ID.matcher(binding.bindingId()).matches()) {
            throw new ServiceException("invalid binding id: " + binding.bindingId());
        }
        return binding.bindingId();
    }

    /** The service's label. */
    @Override
    public String name() {
        return catalog().label();
    }

    @Override
    public String description() {
        return catalog().description();
    }

    @Override
    public ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters) throws ServiceException {
        InstanceServer server = servers.create(instanceId, newInstanceFacts(plan, parameters));
        return new ServiceInstance(instanceId, plan, Map.of("port", Integer.toString(server.port())));
    }

    @Override
    public ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        InstanceServer server = servers.require(instance.id());
        servers.grant(instance.id(), binding);
        return credentials(instance, binding, server);
    }

    /** The binding's app uid loses its port rule (unless another binding of the instance has that uid). */
    @Override
    public void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        servers.revoke(instance.id(), binding);
    }

    @Override
    public void deprovision(ServiceInstance instance) throws ServiceException {
        servers.delete(instance.id());
    }

    @Override
    public ServiceHealth health() {
        return servers.health();
    }

    /** Stops the servers (they start again with the plugin); call it from the plugin's deactivation. */
    @Override
    public void close() {
        servers.close();
    }
}
