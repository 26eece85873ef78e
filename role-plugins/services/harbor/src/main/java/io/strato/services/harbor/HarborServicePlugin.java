package io.strato.services.harbor;

import io.strato.api.app.Channels;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.role.Role;
import io.strato.api.role.RoleNames;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServicePlan;
import io.strato.api.service.ServicePlugin;
import io.strato.api.service.process.PortAllocator;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harbor service (Stackato's port service): each instance owns a public TCP or UDP port (or the same
 * number for both) of this node, taken from a configured range; binding an app forwards that port to the
 * app's running instances, TCP connection by connection and UDP client by client, in turn. An app gets the
 * port in its credentials, and clients outside the cluster connect to it, for protocols the HTTP router
 * cannot carry.
 *
 * <p>Which instance has which port, and which app it forwards to, is kept in one small file per instance
 * (the broker hands instances back only on calls), so a restarted node listens on the same ports again.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.harbor", immediate = true)
@Designate(ocd = HarborServicePlugin.Config.class)
public final class HarborServicePlugin implements ServicePlugin, Role {

    /** Configuration of {@code etc/io.strato.service.harbor.cfg}. */
    @ObjectClassDefinition(name = "Strato harbor service", description = "Public TCP/UDP ports forwarded to bound apps")
    public @interface Config {
        @AttributeDefinition(description = "Ports handed out to instances, first-last; open exactly this range in the firewall")
        String portRange() default "41000-41999";
        @AttributeDefinition(description = "Address the ports listen on, and apps are told unless it is a wildcard (0.0.0.0, ::); blank means the node's cluster address")
        String bindAddress() default "";
        @AttributeDefinition(description = "Where the service keeps its files; blank means ${karaf.data}/strato/services/harbor")
        String dataDir() default "";
        @AttributeDefinition(description = "Seconds without a datagram either way after which a UDP client's session ends")
        int udpSessionIdleSeconds() default 60;
        @AttributeDefinition(description = "UDP clients forwarded at once per port; datagrams of further new clients are dropped")
        int udpMaxSessions() default 1024;
    }

    /** What a harbor port carries: the parameter {@code protocol} of provision. */
    enum Protocol {
        TCP, UDP, BOTH;

        boolean tcp() {
            return this != UDP;
        }

        boolean udp() {
            return this != TCP;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The protocol a provision asks for; {@code udp=true} is taken as {@code protocol=udp}. */
        static Protocol of(Map<String, String> parameters) throws ServiceException {
            String protocol = parameters.get(PROTOCOL);
            boolean udpFlag = "true".equalsIgnoreCase(parameters.getOrDefault("udp", "false").trim());
            if (protocol == null || protocol.isBlank()) {
                return udpFlag ? UDP : TCP;
            }
            Protocol p = switch (protocol.trim().toLowerCase(Locale.ROOT)) {
                case "tcp" -> TCP;
                case "udp" -> UDP;
                case "both" -> BOTH;
                default -> throw new ServiceException("the parameter protocol must be tcp, udp or both, not "
                        + protocol.trim());
            };
            if (udpFlag && !p.udp()) {
                throw new ServiceException("the parameters udp=true and protocol=" + p.label()
                        + " contradict each other; use protocol=udp or protocol=both");
            }
            return p;
        }

        /** The protocol kept in an instance's file; files written before UDP existed are TCP. */
        static Protocol stored(Properties p) {
            String protocol = p.getProperty(PROTOCOL);
            return protocol == null ? TCP : valueOf(protocol.toUpperCase(Locale.ROOT));
        }
    }

    /** What forwards one bound instance's port: a TCP forwarder, a UDP one, or both. */
    private record Forwarding(Forwarder tcp, UdpForwarder udp) implements AutoCloseable {
        @Override
        public void close() {
            if (tcp != null) {
                tcp.close();
            }
            if (udp != null) {
                udp.close();
            }
        }
    }

    static final String LABEL = "harbor";
    /** Where the broker puts the bound app's guid in the instance handed to {@code bind}. */
    static final String APP_GUID = "app_guid";
    private static final Logger LOG = LoggerFactory.getLogger(HarborServicePlugin.class);
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*-\\s*(\\d+)\\s*");
    /** Instance ids become file names, so nothing but what a guid is made of. */
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    private static final String PORT = "port";
    private static final String BINDING = "binding";
    private static final String APP = "app";
    static final String PROTOCOL = "protocol";

    private final Path dir;
    private final String bindAddress;
    private final String hostname;
    private final PortAllocator ports;
    private final SharedMap instances;
    private final Duration udpIdle;
    private final int udpMaxSessions;
    /** instance id → the forwarders of its binding */
    private final Map<String, Forwarding> forwarders = new ConcurrentHashMap<>();

    @Activate
    public HarborServicePlugin(Config config, @Reference(name = "clusterView") ClusterView cluster,
                        @Reference(name = "sharedState") SharedState shared) {
        this(config.dataDir().isBlank()
                        ? Path.of(System.getProperty("karaf.data", "data"), "strato", "services", LABEL)
                        : Path.of(config.dataDir()),
                config.bindAddress().isBlank() ? cluster.localNode().address() : config.bindAddress().trim(),
                cluster.localNode().address(), config.portRange(), shared,
                Duration.ofSeconds(config.udpSessionIdleSeconds()), config.udpMaxSessions());
    }

    /** As below, with UDP sessions ending after 60 s idle and at most 1024 of them per port. */
    HarborServicePlugin(Path dir, String bindAddress, String nodeAddress, String portRange, SharedState shared) {
        this(dir, bindAddress, nodeAddress, portRange, shared, Duration.ofSeconds(60), 1024);
    }

    /**
     * A plugin keeping its files in {@code dir}, listening on {@code bindAddress} with ports from {@code portRange},
     * telling apps {@code nodeAddress} when {@code bindAddress} is a wildcard; a UDP client's session ends after
     * {@code udpIdle} without traffic, and a UDP port forwards for at most {@code udpMaxSessions} clients at once.
     */
    HarborServicePlugin(Path dir, String bindAddress, String nodeAddress, String portRange, SharedState shared,
                 Duration udpIdle, int udpMaxSessions) {
        Matcher m = RANGE.matcher(portRange);
        if (!m.matches()) {
            throw new IllegalArgumentException("portRange must be first-last, e.g. 41000-41999, not " + portRange);
        }
        if (udpIdle.isNegative() || udpIdle.isZero()) {
            throw new IllegalArgumentException("udpSessionIdleSeconds must be positive, not " + udpIdle.toSeconds());
        }
        if (udpMaxSessions < 1) {
            throw new IllegalArgumentException("udpMaxSessions must be at least 1, not " + udpMaxSessions);
        }
        this.udpIdle = udpIdle;
        this.udpMaxSessions = udpMaxSessions;
        this.dir = dir.toAbsolutePath();
        this.bindAddress = bindAddress;
        this.hostname = bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? nodeAddress : bindAddress;
        this.ports = new PortAllocator(bindAddress, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        this.instances = shared.map(Channels.INSTANCES);
        resumeBindings();
    }

    @Deactivate
    synchronized void deactivate() {
        forwarders.values().forEach(Forwarding::close);
        forwarders.clear();
    }

    @Override
    public String name() {
        return LABEL;
    }

    @Override
    public String description() {
        return "Harbor service: a public TCP or UDP port per service instance, forwarded to the bound app";
    }

    @Override
    public Set<String> requires() {
        return Set.of(RoleNames.BASE);
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry(LABEL, "1.0", "A public TCP or UDP port forwarded to the instances of an app",
                List.of("port", "tcp", "udp"), List.of(new ServicePlan("free",
                        "One TCP or UDP port (parameter protocol: tcp, udp or both) on the harbor node", true)));
    }

    @Override
    public synchronized ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters)
            throws ServiceException {
        Protocol protocol = Protocol.of(parameters == null ? Map.of() : parameters);
        Path file = file(instanceId);
        if (Files.exists(file)) {
            throw new ServiceException("harbor instance " + instanceId + " exists already");
        }
        int port = allocate(protocol, takenPorts());
        Properties p = new Properties();
        p.setProperty(PORT, Integer.toString(port));
        p.setProperty(PROTOCOL, protocol.label());
        write(file, p);
        LOG.info("harbor instance {} has {} port {}", instanceId, protocol.label(), port);
        return new ServiceInstance(instanceId, plan, Map.of(PORT, Integer.toString(port), PROTOCOL, protocol.label()));
    }

    /**
     * A port of the range no instance owns and free for the protocol: for {@code both}, one number free for TCP
     * and for UDP alike.
     */
    private int allocate(Protocol protocol, Set<Integer> taken) throws ServiceException {
        String range = ports.first() + "-" + ports.last();
        if (protocol == Protocol.TCP) {
            try {
                return ports.allocate(taken);
            } catch (IOException e) {
                throw new ServiceException("no free harbor port: every port of " + range + " on " + bindAddress
                        + " is taken; widen portRange in io.strato.service.harbor.cfg", e);
            }
        }
        for (int port = ports.first(); port <= ports.last(); port++) {
            if (!taken.contains(port) && (!protocol.tcp() || tcpFree(port)) && udpFree(port)) {
                return port;
            }
        }
        if (protocol == Protocol.BOTH) {
            throw new ServiceException("no free harbor port: no port of " + range + " on " + bindAddress
                    + " is free for both TCP and UDP; widen portRange in io.strato.service.harbor.cfg, or create"
                    + " one harbor service with protocol=tcp and one with protocol=udp");
        }
        throw new ServiceException("no free harbor port: every port of " + range + " on " + bindAddress
                + " is taken for UDP; widen portRange in io.strato.service.harbor.cfg");
    }

    private boolean tcpFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean udpFree(int port) {
        try (DatagramChannel socket = DatagramChannel.open()) {
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        Path file = file(instance.id());
        Properties p = read(file).orElseThrow(() -> new ServiceException("harbor instance " + instance.id()
                + " is unknown on this node: delete the service and create it again"));
        String appGuid = instance.details().get(APP_GUID);
        if (appGuid == null || appGuid.isBlank()) {
            throw new ServiceException("the bind request did not say which app to forward to (app_guid)");
        }
        String boundTo = p.getProperty(APP);
        if (boundTo != null) {
            throw new ServiceException("harbor instance " + instance.id() + " already forwards to app " + boundTo
                    + "; a port goes to one app, create another harbor service");
        }
        int port = Integer.parseInt(p.getProperty(PORT));
        Protocol protocol = Protocol.stored(p);
        Forwarding forwarder;
        try {
            forwarder = forward(instance.id(), port, protocol, appGuid);
        } catch (IOException e) {
            throw new ServiceException("cannot listen on " + bindAddress + ":" + port + " (" + protocol.label()
                    + "): " + e.getMessage(), e);
        }
        p.setProperty(BINDING, bindingId);
        p.setProperty(APP, appGuid);
        try {
            write(file, p);
        } catch (ServiceException e) {
            forwarder.close();
            throw e;
        }
        forwarders.put(instance.id(), forwarder);
        LOG.info("harbor {} port {} forwards to app {}", protocol.label(), port, appGuid);
        String scheme = protocol == Protocol.UDP ? "udp" : "tcp";
        return new ServiceCredentials(scheme + "://" + hostname + ":" + port, instance.id(), hostname, port, "", "",
                Map.of("harbor_port", Integer.toString(port), PROTOCOL, protocol.label()));
    }

    @Override
    public synchronized void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        Path file = file(instance.id());
        Properties p = read(file).orElse(null);
        if (p == null || !bindingId.equals(p.getProperty(BINDING))) {
            // not this instance's binding: nothing forwards for it
            return;
        }
        Forwarding forwarder = forwarders.remove(instance.id());
        if (forwarder != null) {
            forwarder.close();
        }
        p.remove(BINDING);
        p.remove(APP);
        write(file, p);
        LOG.info("harbor port {} forwards no more", p.getProperty(PORT));
    }

    @Override
    public synchronized void deprovision(ServiceInstance instance) throws ServiceException {
        Forwarding forwarder = forwarders.remove(instance.id());
        if (forwarder != null) {
            forwarder.close();
        }
        Path file = file(instance.id());
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ServiceException("cannot delete " + file + ": " + e.getMessage(), e);
        }
        LOG.info("harbor instance {} gave back port {}", instance.id(), instance.details().get(PORT));
    }

    @Override
    public ServiceHealth health() {
        int udpSessions = forwarders.values().stream().filter(f -> f.udp() != null)
                .mapToInt(f -> f.udp().sessions()).sum();
        return ServiceHealth.up(forwarders.size() + " port(s) forwarded, " + udpSessions + " UDP session(s), range "
                + ports.first() + "-" + ports.last() + " on " + bindAddress);
    }

    /** Listens again on the ports of the bindings this node had before it stopped. */
    private void resumeBindings() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
            for (Path file : files) {
                String id = file.getFileName().toString().replace(".properties", "");
                read(file).filter(p -> p.getProperty(APP) != null).ifPresent(p -> {
                    int port = Integer.parseInt(p.getProperty(PORT));
                    try {
                        forwarders.put(id, forward(id, port, Protocol.stored(p), p.getProperty(APP)));
                    } catch (IOException | IllegalArgumentException e) {
                        LOG.error("harbor instance {}: cannot listen on {}:{} ({}) again: {}", id, bindAddress, port,
                                p.getProperty(PROTOCOL, "tcp"), e.getMessage());
                    }
                });
            }
        } catch (IOException | ServiceException e) {
            LOG.error("harbor: cannot read the instances in {}: {}", dir, e.getMessage());
        }
    }

    /** Listens on the port for the protocol(s); nothing stays bound when one of them fails. */
    private Forwarding forward(String instanceId, int port, Protocol protocol, String appGuid) throws IOException {
        Forwarder tcp = protocol.tcp()
                ? new Forwarder(instanceId + " (port " + port + ")", bindAddress, port, () -> running(appGuid))
                : null;
        UdpForwarder udp = null;
        if (protocol.udp()) {
            try {
                udp = new UdpForwarder(instanceId + " (udp port " + port + ")", bindAddress, port,
                        () -> running(appGuid), udpIdle, udpMaxSessions);
            } catch (IOException | RuntimeException e) {
                if (tcp != null) {
                    tcp.close();
                }
                throw e;
            }
        }
        return new Forwarding(tcp, udp);
    }

    /** The app's running instances, in a stable order so that taking them in turn spreads connections evenly. */
    private List<Forwarder.Backend> running(String appGuid) {
        return instances.values(InstanceStatus.class).stream()
                .filter(s -> s.appGuid().equals(appGuid) && s.state() == InstanceState.RUNNING
                        && s.address() != null && s.port() > 0)
                .sorted(Comparator.comparing(InstanceStatus::instanceId))
                .map(s -> new Forwarder.Backend(s.address(), s.port()))
                .toList();
    }


    private Set<Integer> takenPorts() throws ServiceException {
        Set<Integer> taken = new HashSet<>();
        if (!Files.isDirectory(dir)) {
            return taken;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
            for (Path file : files) {
                read(file).ifPresent(p -> taken.add(Integer.parseInt(p.getProperty(PORT))));
            }
        } catch (IOException e) {
            throw new ServiceException("cannot read the instances in " + dir + ": " + e.getMessage(), e);
        }
        return taken;
    }

    private Path file(String instanceId) throws ServiceException {
        if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
            throw new ServiceException("not a valid service instance id: " + instanceId);
        }
        return dir.resolve(instanceId + ".properties");
    }

    private static Optional<Properties> read(Path file) throws ServiceException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new ServiceException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(p);
    }

    /** Writes a whole file next to the old one and moves it in place, so a crash leaves one or the other. */
    private void write(Path file, Properties p) throws ServiceException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "harbor service instance");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ServiceException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
