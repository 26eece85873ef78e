package io.strato.api.service.process;

import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The plumbing of a plugin whose every service instance runs a server of its own (redis, memcached, ...):
 * a private directory per instance holding its data, its server's log and an {@code instance.properties}
 * (port and facts); a port from the configured range; a supervised server; everything removed on delete.
 * The plugin supplies only the command line of one server.
 */
public final class InstanceServers implements AutoCloseable {

    /** How to run the server of one instance. */
    @FunctionalInterface
    public interface ServerCommand {
        /** The command line; the server must listen on {@code instance.port()} and keep its data in {@code dir}. */
        List<String> command(Path dir, InstanceServer instance) throws IOException;
    }

    private static final String INSTANCE_FILE = "instance.properties";
    private static final System.Logger LOG = System.getLogger(InstanceServers.class.getName());

    private final String serverName;
    private final Path instancesDir;
    private final String host;
    private final PortAllocator ports;
    private final Duration startTimeout;
    private final ServerCommand command;
    private final Map<String, SupervisedProcess> running = new ConcurrentHashMap<>();

    /**
     * @param serverName   what an admin calls one server, e.g. "redis server"; logs say "redis server for instance X"
     * @param instancesDir where instance directories live
     * @param ports        the port range; its host is where servers listen
     */
    public InstanceServers(String serverName, Path instancesDir, PortAllocator ports, Duration startTimeout, ServerCommand command) {
        this.serverName = serverName;
        this.instancesDir = instancesDir;
        this.host = ports.host();
        this.ports = ports;
        this.startTimeout = startTimeout;
        this.command = command;
    }

    /** Starts the servers of every instance found on disk; one that fails is logged and the others still start. */
    public void startAll() {
        if (!Files.isDirectory(instancesDir)) {
            return;
        }
        for (Path dir : instanceDirs()) {
            String id = dir.getFileName().toString();
            try {
                start(dir, read(dir));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, serverName + " for instance " + id + " could not be started again: " + e.getMessage());
            }
        }
    }

    /**
     * Creates the instance's directory, gives it a port and starts its server. On failure nothing is left:
     * no directory, no process.
     */
    public synchronized InstanceServer create(String instanceId, Map<String, String> facts) throws ServiceException {
        Path dir = dir(instanceId);
        if (Files.exists(dir)) {
            throw new ServiceException("service instance " + instanceId + " already exists on this node");
        }
        try {
            Files.createDirectories(instancesDir);
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            InstanceServer instance = new InstanceServer(instanceId, ports.allocate(takenPorts()), facts);
            write(dir, instance);
            start(dir, instance);
            return instance;
        } catch (IOException | RuntimeException e) {
            stop(instanceId);
            try {
                ServerFiles.deleteTree(dir);
            } catch (IOException ignored) {
                // the provision error below is what the user needs; a leftover directory is only refused on reuse
            }
            throw new ServiceException("could not start a " + serverName + " for instance " + instanceId + ": " + e.getMessage(), e);
        }
    }

    /** The instance as kept on disk, or empty when this node has no such instance. */
    public Optional<InstanceServer> find(String instanceId) throws ServiceException {
        Path dir = dir(instanceId);
        if (!Files.exists(dir.resolve(INSTANCE_FILE))) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(dir));
        } catch (IOException e) {
            throw new ServiceException("cannot read " + dir.resolve(INSTANCE_FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The instance, or a one-line error for bind/unbind of an instance this node does not have. */
    public InstanceServer require(String instanceId) throws ServiceException {
        return find(instanceId).orElseThrow(() -> new ServiceException(
                "the " + serverName + " of instance " + instanceId + " does not exist on this node"));
    }

    /** Down when any instance's server does not accept connections, naming those instances. */
    public ServiceHealth health() {
        List<String> down = notAnswering();
        return down.isEmpty() ? ServiceHealth.up(size() + " " + serverName + "(s) running")
                : ServiceHealth.down(serverName + " not answering for instance(s) " + String.join(", ", down));
    }

    /** {@code configured}, or {@code ${karaf.data}/strato/services/<label>} when it is blank. */
    public static Path dataDir(String configured, String label) {
        return configured == null || configured.isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "strato", "services", label)
                : Path.of(configured);
    }

    /** Stops the instance's server and deletes its directory with its data. */
    public synchronized void delete(String instanceId) throws ServiceException {
        Path dir = dir(instanceId);
        stop(instanceId);
        try {
            ServerFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new ServiceException("the " + serverName + " for instance " + instanceId + " is stopped but " + dir
                    + " could not be deleted: " + e.getMessage(), e);
        }
    }

    /** Ids of instances whose server does not accept connections right now. */
    public List<String> notAnswering() {
        return running.entrySet().stream().filter(e -> !e.getValue().listening()).map(Map.Entry::getKey).sorted().toList();
    }

    public int size() {
        return running.size();
    }

    /** Stops every server; their instances stay on disk for the next start. */
    @Override
    public void close() {
        running.values().forEach(SupervisedProcess::stop);
        running.clear();
    }

    private void start(Path dir, InstanceServer instance) throws IOException {
        SupervisedProcess server = new SupervisedProcess(new ProcessSpec(serverName + " for instance " + instance.id(),
                command.command(dir, instance), dir, dir.resolve("server.log"), Map.of(), host, instance.port(), startTimeout));
        server.start();
        running.put(instance.id(), server);
    }

    private void stop(String instanceId) {
        SupervisedProcess server = running.remove(instanceId);
        if (server != null) {
            server.stop();
        }
    }

    private Path dir(String instanceId) throws ServiceException {
        // ids become directory names: nothing that could climb out of instancesDir
        if (instanceId == null || !instanceId.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new ServiceException("invalid service instance id: " + instanceId);
        }
        return instancesDir.resolve(instanceId);
    }

    private List<Path> instanceDirs() {
        try (Stream<Path> dirs = Files.list(instancesDir)) {
            return dirs.filter(d -> Files.exists(d.resolve(INSTANCE_FILE))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + instancesDir, e);
        }
    }

    /** Ports of every instance on disk, running or not, so a stopped instance keeps its port. */
    private Set<Integer> takenPorts() throws IOException {
        Set<Integer> taken = new HashSet<>();
        if (Files.isDirectory(instancesDir)) {
            for (Path dir : instanceDirs()) {
                taken.add(read(dir).port());
            }
        }
        return taken;
    }

    private static InstanceServer read(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(INSTANCE_FILE))) {
            p.load(in);
        }
        int port = Integer.parseInt(p.getProperty("port"));
        p.remove("port");
        Map<String, String> facts = new HashMap<>();
        p.stringPropertyNames().forEach(k -> facts.put(k, p.getProperty(k)));
        return new InstanceServer(dir.getFileName().toString(), port, facts);
    }

    private static void write(Path dir, InstanceServer instance) throws IOException {
        Properties p = new Properties();
        p.putAll(instance.facts());
        p.setProperty("port", Integer.toString(instance.port()));
        Path file = dir.resolve(INSTANCE_FILE);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "service instance: what its server needs to run again after a node restart");
        }
    }

}
