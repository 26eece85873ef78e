package io.strato.api.service.process;

import io.strato.api.files.FileTrees;
import io.strato.api.net.PortGuard;
import io.strato.api.service.ServiceBinding;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The plumbing of a plugin whose every service instance runs a server of its own (redis, memcached, ...):
 * a private directory per instance holding its server's log, an {@code instance.properties} (port and facts)
 * and a {@code data} directory, the only one its server writes; a port from the configured range; a supervised
 * server run as the service's {@link ServerUser}; everything removed on delete. The plugin supplies only the
 * command line of one server.
 *
 * <p>For a server that cannot authenticate clients, {@link #guardPorts} keeps every local process but the
 * instance's bound apps (by uid, {@link #grant}/{@link #revoke}) and the node itself off its port.
 */
public final class InstanceServers implements AutoCloseable {

    /** How to run the server of one instance. */
    @FunctionalInterface
    public interface ServerCommand {
        /**
         * The command line; the server must listen on {@code instance.port()} and keep its data (and any file it
         * reads, like its configuration) in {@code dir}, the instance's {@code data} directory, which belongs to the
         * server's user. The command is run as that user.
         */
        List<String> command(Path dir, InstanceServer instance) throws IOException;
    }

    private static final String INSTANCE_FILE = "instance.properties";
    private static final String BINDINGS_FILE = "bindings.properties";
    private static final String DATA_DIR = "data";
    private static final String LOG_FILE = "server.log";
    private static final System.Logger LOG = System.getLogger(InstanceServers.class.getName());

    private final String serverName;
    private final Path instancesDir;
    private final String host;
    private final PortAllocator ports;
    private final Duration startTimeout;
    private final ServerCommand command;
    private final ServerUser user;
    private final Map<String, SupervisedProcess> running = new ConcurrentHashMap<>();
    private PortGuard guard;

    /**
     * Servers that run as the node's own user.
     *
     * @param serverName   what an admin calls one server, e.g. "redis server"; logs say "redis server for instance X"
     * @param instancesDir where instance directories live
     * @param ports        the port range; its host is where servers listen
     */
    public InstanceServers(String serverName, Path instancesDir, PortAllocator ports, Duration startTimeout, ServerCommand command) {
        this(serverName, instancesDir, ports, startTimeout, new ServerUser("", "", ""), command);
    }

    /**
     * Servers that run as {@code user} (see {@link ServerUser#forServer}): each instance's {@code data} directory is
     * that user's (mode 700); the instance directories and {@code instancesDir} stay the node's (mode 711).
     */
    public InstanceServers(String serverName, Path instancesDir, PortAllocator ports, Duration startTimeout, ServerUser user,
                           ServerCommand command) {
        this.serverName = serverName;
        this.instancesDir = instancesDir;
        this.host = ports.host();
        this.ports = ports;
        this.startTimeout = startTimeout;
        this.user = user;
        this.command = command;
    }

    /**
     * From now on only the uids of each instance's bindings ({@link #grant}) and the node's own uid may connect to
     * the instance's port from this machine; call it before {@link #startAll}, so no server listens unguarded. The
     * guard's rules are rebuilt from the bindings kept on disk; {@link #close} closes the guard.
     *
     * @throws IOException when iptables refuses the rules
     */
    public synchronized InstanceServers guardPorts(PortGuard portGuard) throws IOException {
        this.guard = portGuard;
        applyRules();
        return this;
    }

    /**
     * Lets the binding's app uid connect to the instance's server (when ports are guarded), and records it beside
     * the instance so the rule comes back after a restart. Binding the same binding id again is no error.
     */
    public synchronized void grant(String instanceId, ServiceBinding binding) throws ServiceException {
        require(instanceId);
        Path dir = dir(instanceId);
        Properties bindings = readBindings(dir);
        String before = bindings.getProperty(binding.bindingId());
        bindings.setProperty(binding.bindingId(), Integer.toString(binding.appUid()));
        writeBindings(dir, bindings);
        try {
            applyRules();
        } catch (IOException e) {
            if (before == null) {
                bindings.remove(binding.bindingId());
            } else {
                bindings.setProperty(binding.bindingId(), before);
            }
            writeBindings(dir, bindings);
            throw new ServiceException("could not let uid " + binding.appUid() + " reach the " + serverName + " of instance "
                    + instanceId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes the binding's uid off the instance's server, unless another binding of the instance has the same uid.
     * An unknown binding is no error.
     */
    public synchronized void revoke(String instanceId, ServiceBinding binding) throws ServiceException {
        require(instanceId);
        Path dir = dir(instanceId);
        Properties bindings = readBindings(dir);
        if (bindings.remove(binding.bindingId()) == null) {
            return;
        }
        writeBindings(dir, bindings);
        try {
            applyRules();
        } catch (IOException e) {
            throw new ServiceException("binding " + binding.bindingId() + " is removed, but the port rules of the "
                    + serverName + " of instance " + instanceId + " could not be updated: " + e.getMessage(), e);
        }
    }

    /** The app uids the instance's bindings grant access (what {@link #grant} recorded). */
    public synchronized Set<Integer> grantedUids(String instanceId) throws ServiceException {
        Properties bindings = readBindings(dir(instanceId));
        Set<Integer> uids = new TreeSet<>();
        bindings.stringPropertyNames().forEach(k -> uids.add(Integer.parseInt(bindings.getProperty(k))));
        uids.remove(ServiceBinding.UNKNOWN_UID);
        return uids;
    }

    /** Starts the servers of every instance found on disk; one that fails is logged and the others still start. */
    public void startAll() {
        if (!Files.isDirectory(instancesDir)) {
            return;
        }
        try {
            user.prepareParent(instancesDir);
        } catch (IOException e) {
            LOG.log(Level.ERROR, serverName + "s cannot be started: " + e.getMessage());
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
            user.prepareParent(instancesDir);
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            InstanceServer instance = new InstanceServer(instanceId, ports.allocate(takenPorts()), facts);
            write(dir, instance);
            applyRules();
            start(dir, instance);
            return instance;
        } catch (IOException | RuntimeException e) {
            stop(instanceId);
            try {
                FileTrees.delete(dir);
                applyRules();
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

    /**
     * Replaces the instance's facts (its port stays), e.g. to give an instance made by an earlier version a fact it
     * lacks; written to a new file and moved over the old one.
     */
    public synchronized InstanceServer updateFacts(String instanceId, Map<String, String> facts) throws ServiceException {
        InstanceServer updated = new InstanceServer(instanceId, require(instanceId).port(), facts);
        Path dir = dir(instanceId);
        Path temp = dir.resolve(INSTANCE_FILE + ".new");
        try {
            Files.deleteIfExists(temp);
            writeTo(temp, updated);
            Files.move(temp, dir.resolve(INSTANCE_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ServiceException("cannot update " + dir.resolve(INSTANCE_FILE) + ": " + e.getMessage(), e);
        }
        return updated;
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

    /** Stops the instance's server, deletes its directory with its data and its port's rules. */
    public synchronized void delete(String instanceId) throws ServiceException {
        Path dir = dir(instanceId);
        stop(instanceId);
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            throw new ServiceException("the " + serverName + " for instance " + instanceId + " is stopped but " + dir
                    + " could not be deleted: " + e.getMessage(), e);
        }
        try {
            applyRules();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "port rules of the " + serverName + "s could not be updated after deleting instance "
                    + instanceId + ": " + e.getMessage());
        }
    }

    /** Ids of instances whose server does not accept connections right now. */
    public List<String> notAnswering() {
        return running.entrySet().stream().filter(e -> !e.getValue().listening()).map(Map.Entry::getKey).sorted().toList();
    }

    public int size() {
        return running.size();
    }

    /** Stops every server, then removes the port rules; their instances stay on disk for the next start. */
    @Override
    public void close() {
        running.values().forEach(SupervisedProcess::stop);
        running.clear();
        synchronized (this) {
            if (guard != null) {
                guard.close();
                guard = null;
            }
        }
    }

    private void start(Path dir, InstanceServer instance) throws IOException {
        Path data = dataOf(dir);
        SupervisedProcess server = new SupervisedProcess(new ProcessSpec(serverName + " for instance " + instance.id(),
                user.wrap(command.command(data, instance)), dir, dir.resolve(LOG_FILE), Map.of(), host, instance.port(),
                startTimeout));
        server.start();
        running.put(instance.id(), server);
    }

    /**
     * The instance's {@code data} directory, the server user's. Instances from before it existed kept their data
     * beside instance.properties: it moves in, once.
     */
    private Path dataOf(Path dir) throws IOException {
        Path data = dir.resolve(DATA_DIR);
        if (!Files.isDirectory(data)) {
            Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path entry : entries.toList()) {
                    String name = entry.getFileName().toString();
                    if (!Set.of(INSTANCE_FILE, BINDINGS_FILE, LOG_FILE, DATA_DIR).contains(name)) {
                        Files.move(entry, data.resolve(name));
                    }
                }
            }
        }
        // the server passes through the instance directory (its log and facts stay the node's) into its own
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(user.switches() ? "rwx--x--x" : "rwx------"));
        user.prepareOwnDir(data);
        return data;
    }

    /** Rules for every instance on disk: its bindings' uids and the node's may connect to its port. */
    private synchronized void applyRules() throws IOException {
        if (guard == null) {
            return;
        }
        int node = PortGuard.nodeUid();
        Map<Integer, Set<Integer>> allowed = new TreeMap<>();
        if (Files.isDirectory(instancesDir)) {
            for (Path dir : instanceDirs()) {
                Set<Integer> uids = new TreeSet<>();
                uids.add(node);
                Properties bindings = readBindingsOrEmpty(dir);
                bindings.stringPropertyNames().stream().map(k -> Integer.parseInt(bindings.getProperty(k)))
                        .filter(uid -> uid != ServiceBinding.UNKNOWN_UID).forEach(uids::add);
                allowed.put(read(dir).port(), uids);
            }
        }
        guard.replace(PortGuard.onlyUidsMayConnect(allowed));
    }

    private static Properties readBindings(Path dir) throws ServiceException {
        try {
            return readBindingsOrEmpty(dir);
        } catch (IOException e) {
            throw new ServiceException("cannot read " + dir.resolve(BINDINGS_FILE) + ": " + e.getMessage(), e);
        }
    }

    private static Properties readBindingsOrEmpty(Path dir) throws IOException {
        Properties p = new Properties();
        Path file = dir.resolve(BINDINGS_FILE);
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            }
        }
        return p;
    }

    private static void writeBindings(Path dir, Properties bindings) throws ServiceException {
        Path file = dir.resolve(BINDINGS_FILE);
        Path temp = dir.resolve(BINDINGS_FILE + ".new");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(temp)) {
                bindings.store(out, "binding id = uid of the bound app: the uids that may reach this instance's server");
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ServiceException("cannot write " + file + ": " + e.getMessage(), e);
        }
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
        writeTo(dir.resolve(INSTANCE_FILE), instance);
    }

    private static void writeTo(Path file, InstanceServer instance) throws IOException {
        Properties p = new Properties();
        p.putAll(instance.facts());
        p.setProperty("port", Integer.toString(instance.port()));
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "service instance: what its server needs to run again after a node restart");
        }
    }

}
