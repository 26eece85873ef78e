package io.strato.services.memcached;

import io.strato.api.role.Role;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServicePlan;
import io.strato.api.service.ServicePlugin;
import io.strato.api.service.process.PortAllocator;
import io.strato.api.service.process.ProcessSpec;
import io.strato.api.service.process.SupervisedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memcached service: every service instance is its own memcached child process on its own port.
 * Debian's memcached is built without SASL, so there is no password: isolation is by port, and the
 * servers listen on {@code host} only (loopback by default).
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.memcached", immediate = true)
public final class MemcachedServicePlugin implements ServicePlugin, Role {

    /** Configuration of {@code etc/io.strato.service.memcached.cfg}. */
    public @interface Config {
        /** Blank means ${karaf.data}/strato/services/memcached. */
        String dataDir() default "";

        /** Address the servers listen on and apps connect to. */
        String host() default "127.0.0.1";

        int portFirst() default 18000;

        int portLast() default 18999;

        String serverBinary() default "/usr/bin/memcached";

        int memoryMb() default 64;

        /** memcached refuses to run as root; this is the user it switches to when the node runs as root. */
        String runAs() default "nobody";

        int startTimeoutSeconds() default 30;
    }

    private static final Logger LOG = LoggerFactory.getLogger(MemcachedServicePlugin.class);
    private static final String PLAN = "free";

    private final Path instancesDir;
    private final String host;
    private final PortAllocator ports;
    private final String serverBinary;
    private final int memoryMb;
    private final String runAs;
    private final Duration startTimeout;
    private final Map<String, SupervisedProcess> servers = new ConcurrentHashMap<>();

    @Activate
    public MemcachedServicePlugin(Config config) {
        Path dataDir = config.dataDir().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "strato", "services", "memcached")
                : Path.of(config.dataDir());
        this.instancesDir = dataDir.resolve("instances");
        this.host = config.host();
        this.ports = new PortAllocator(config.host(), config.portFirst(), config.portLast());
        this.serverBinary = config.serverBinary();
        this.memoryMb = config.memoryMb();
        this.runAs = config.runAs();
        this.startTimeout = Duration.ofSeconds(config.startTimeoutSeconds());
        restartExistingInstances();
    }

    @Deactivate
    void deactivate() {
        servers.values().forEach(SupervisedProcess::stop);
        servers.clear();
    }

    @Override
    public String name() {
        return "memcached";
    }

    @Override
    public String description() {
        return "Memcached data service: one memcached server per service instance";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("memcached", "1.6", "Memcached in-memory cache", List.of("cache", "memcached"),
                List.of(new ServicePlan(PLAN, "Own memcached server, " + memoryMb + " MB", true)));
    }

    @Override
    public synchronized ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters)
            throws ServiceException {
        Path dir = instanceDir(instanceId);
        if (Files.exists(dir)) {
            throw new ServiceException("memcached instance " + instanceId + " already exists");
        }
        try {
            Files.createDirectories(dir);
            MemcachedInstanceFile instance = new MemcachedInstanceFile(ports.allocate(takenPorts()), memoryMb);
            instance.write(dir);
            start(instanceId, dir, instance);
            return new ServiceInstance(instanceId, plan, Map.of("port", Integer.toString(instance.port())));
        } catch (IOException | RuntimeException e) {
            stopServer(instanceId);
            deleteTree(dir);
            throw new ServiceException("could not provision memcached instance " + instanceId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ServiceCredentials bind(ServiceInstance instance, String bindingId) throws ServiceException {
        MemcachedInstanceFile file = existing(instance.id());
        return new ServiceCredentials("memcached://" + host + ":" + file.port(), instance.id(), host, file.port(), "", "", Map.of());
    }

    /** Without SASL there is no per-binding secret to revoke. */
    @Override
    public void unbind(ServiceInstance instance, String bindingId) throws ServiceException {
        existing(instance.id());
    }

    @Override
    public synchronized void deprovision(ServiceInstance instance) throws ServiceException {
        Path dir = instanceDir(instance.id());
        stopServer(instance.id());
        try {
            deleteTree(dir);
        } catch (UncheckedIOException e) {
            throw new ServiceException("memcached instance " + instance.id() + " is stopped but " + dir
                    + " could not be deleted: " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public ServiceHealth health() {
        List<String> down = servers.entrySet().stream().filter(e -> !e.getValue().listening())
                .map(Map.Entry::getKey).sorted().toList();
        if (!down.isEmpty()) {
            return ServiceHealth.down("memcached server not answering for instance(s) " + String.join(", ", down));
        }
        return ServiceHealth.up(servers.size() + " memcached server(s) running");
    }

    private void restartExistingInstances() {
        if (!Files.isDirectory(instancesDir)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(instancesDir)) {
            for (Path dir : dirs.filter(d -> Files.exists(d.resolve(MemcachedInstanceFile.NAME))).toList()) {
                String id = dir.getFileName().toString();
                try {
                    start(id, dir, MemcachedInstanceFile.read(dir));
                } catch (IOException | RuntimeException e) {
                    LOG.error("memcached server for instance {} could not be started again: {}", id, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.error("cannot list memcached instances in {}: {}", instancesDir, e.getMessage());
        }
    }

    private void start(String instanceId, Path dir, MemcachedInstanceFile instance) throws IOException {
        if (!Files.isExecutable(Path.of(serverBinary))) {
            throw new IOException("memcached is not installed at " + serverBinary
                    + " (apt-get install memcached, or set serverBinary in etc/io.strato.service.memcached.cfg)");
        }
        List<String> command = new ArrayList<>(List.of(serverBinary, "-l", host, "-p", Integer.toString(instance.port()),
                "-U", "0", "-m", Integer.toString(instance.memoryMb())));
        if (runningAsRoot()) {
            command.addAll(List.of("-u", runAs));
        }
        SupervisedProcess server = new SupervisedProcess(new ProcessSpec("memcached server for instance " + instanceId,
                command, dir, dir.resolve("memcached.log"), Map.of(), host, instance.port(), startTimeout));
        server.start();
        servers.put(instanceId, server);
    }

    private static boolean runningAsRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private void stopServer(String instanceId) {
        SupervisedProcess server = servers.remove(instanceId);
        if (server != null) {
            server.stop();
        }
    }

    private MemcachedInstanceFile existing(String instanceId) throws ServiceException {
        try {
            return MemcachedInstanceFile.read(instanceDir(instanceId));
        } catch (IOException e) {
            throw new ServiceException("memcached instance " + instanceId + " does not exist on this node");
        }
    }

    private Set<Integer> takenPorts() throws IOException {
        if (!Files.isDirectory(instancesDir)) {
            return Set.of();
        }
        try (Stream<Path> dirs = Files.list(instancesDir)) {
            return dirs.filter(d -> Files.exists(d.resolve(MemcachedInstanceFile.NAME))).map(d -> {
                try {
                    return MemcachedInstanceFile.read(d).port();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).collect(Collectors.toSet());
        }
    }

    private Path instanceDir(String instanceId) throws ServiceException {
        // ids become directory names: nothing that could climb out of instancesDir
        if (!instanceId.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new ServiceException("invalid service instance id: " + instanceId);
        }
        return instancesDir.resolve(instanceId);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
