package io.strato.services.redis;

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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
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
 * The redis service: every service instance is its own redis-server child process on its own port, with
 * its own random requirepass and its own data directory (append-only file, so data survives restarts).
 * Immediate, so the servers of existing instances come back as soon as the node starts.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.redis", immediate = true)
public final class RedisServicePlugin implements ServicePlugin, Role {

    /** Configuration of {@code etc/io.strato.service.redis.cfg}. */
    public @interface Config {
        /** Blank means ${karaf.data}/strato/services/redis. */
        String dataDir() default "";

        /** Address the servers listen on and apps connect to; the node's address for apps on other nodes. */
        String host() default "127.0.0.1";

        int portFirst() default 17000;

        int portLast() default 17999;

        /** Blank means the Linux x86-64 redis-server shipped in this bundle; e.g. /usr/bin/redis-server otherwise. */
        String serverBinary() default "";

        int maxMemoryMb() default 64;

        int startTimeoutSeconds() default 30;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RedisServicePlugin.class);
    private static final String PLAN = "free";

    private final Path instancesDir;
    private final Path binDir;
    private final String host;
    private final PortAllocator ports;
    private final String serverBinary;
    private final int maxMemoryMb;
    private final Duration startTimeout;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, SupervisedProcess> servers = new ConcurrentHashMap<>();

    @Activate
    public RedisServicePlugin(Config config) {
        Path dataDir = config.dataDir().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "strato", "services", "redis")
                : Path.of(config.dataDir());
        this.instancesDir = dataDir.resolve("instances");
        this.binDir = dataDir.resolve("bin");
        this.host = config.host();
        this.ports = new PortAllocator(config.host(), config.portFirst(), config.portLast());
        this.serverBinary = config.serverBinary();
        this.maxMemoryMb = config.maxMemoryMb();
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
        return "redis";
    }

    @Override
    public String description() {
        return "Redis data service: one password-protected redis server per service instance";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("redis", "6.2", "Redis key-value store", List.of("key-value", "redis"),
                List.of(new ServicePlan(PLAN, "Own redis server, " + maxMemoryMb + " MB of memory", true)));
    }

    @Override
    public synchronized ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters)
            throws ServiceException {
        Path dir = instanceDir(instanceId);
        if (Files.exists(dir)) {
            throw new ServiceException("redis instance " + instanceId + " already exists");
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            RedisInstanceFile instance = new RedisInstanceFile(ports.allocate(takenPorts()), newPassword());
            instance.write(dir);
            start(instanceId, dir, instance);
            return new ServiceInstance(instanceId, plan, Map.of("port", Integer.toString(instance.port())));
        } catch (IOException | RuntimeException e) {
            stopServer(instanceId);
            deleteTree(dir);
            throw new ServiceException("could not provision redis instance " + instanceId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ServiceCredentials bind(ServiceInstance instance, String bindingId) throws ServiceException {
        RedisInstanceFile file = existing(instance.id());
        String uri = "redis://:" + file.password() + "@" + host + ":" + file.port();
        return new ServiceCredentials(uri, instance.id(), host, file.port(), "", file.password(), Map.of());
    }

    /** Bindings share the instance's password (redis has one per server), so there is nothing to revoke per binding. */
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
            throw new ServiceException("redis instance " + instance.id() + " is stopped but " + dir + " could not be deleted: "
                    + e.getCause().getMessage(), e);
        }
    }

    @Override
    public ServiceHealth health() {
        List<String> down = servers.entrySet().stream().filter(e -> !e.getValue().listening())
                .map(Map.Entry::getKey).sorted().toList();
        if (!down.isEmpty()) {
            return ServiceHealth.down("redis server not answering for instance(s) " + String.join(", ", down));
        }
        return ServiceHealth.up(servers.size() + " redis server(s) running");
    }

    private void restartExistingInstances() {
        if (!Files.isDirectory(instancesDir)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(instancesDir)) {
            for (Path dir : dirs.filter(d -> Files.exists(d.resolve(RedisInstanceFile.NAME))).toList()) {
                String id = dir.getFileName().toString();
                try {
                    start(id, dir, RedisInstanceFile.read(dir));
                } catch (IOException | RuntimeException e) {
                    LOG.error("redis server for instance {} could not be started again: {}", id, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.error("cannot list redis instances in {}: {}", instancesDir, e.getMessage());
        }
    }

    private void start(String instanceId, Path dir, RedisInstanceFile instance) throws IOException {
        Path conf = dir.resolve("redis.conf");
        Files.writeString(conf, String.join("\n",
                "port " + instance.port(),
                "bind " + host,
                "protected-mode yes",
                "requirepass " + instance.password(),
                "dir " + dir.toAbsolutePath(),
                "appendonly yes",
                "daemonize no",
                "logfile \"\"",
                "maxmemory " + maxMemoryMb + "mb",
                "maxmemory-policy noeviction",
                ""));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        ProcessSpec spec = new ProcessSpec("redis server for instance " + instanceId,
                List.of(RedisServerBinary.locate(serverBinary, binDir).toString(), conf.toAbsolutePath().toString()),
                dir, dir.resolve("redis.log"), Map.of(), host, instance.port(), startTimeout);
        SupervisedProcess server = new SupervisedProcess(spec);
        server.start();
        servers.put(instanceId, server);
    }

    private void stopServer(String instanceId) {
        SupervisedProcess server = servers.remove(instanceId);
        if (server != null) {
            server.stop();
        }
    }

    private RedisInstanceFile existing(String instanceId) throws ServiceException {
        try {
            return RedisInstanceFile.read(instanceDir(instanceId));
        } catch (IOException e) {
            throw new ServiceException("redis instance " + instanceId + " does not exist on this node");
        }
    }

    private Set<Integer> takenPorts() throws IOException {
        if (!Files.isDirectory(instancesDir)) {
            return Set.of();
        }
        try (Stream<Path> dirs = Files.list(instancesDir)) {
            return dirs.filter(d -> Files.exists(d.resolve(RedisInstanceFile.NAME))).map(d -> {
                try {
                    return RedisInstanceFile.read(d).port();
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

    private String newPassword() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
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
