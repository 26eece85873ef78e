package io.strato.services.rabbit;

import io.strato.api.service.ServiceHealth;
import io.strato.api.service.process.InstanceServers;
import io.strato.api.service.process.ServerUser;
import java.nio.file.LinkOption;
import io.strato.api.service.process.ProcessSpec;
import io.strato.api.service.process.ServerClassPath;
import io.strato.api.service.process.SupervisedProcess;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The plugin's own broker: Qpid Broker-J in a child JVM run and supervised here, commanded over a Unix domain
 * socket (see {@link BrokerControl} and the launcher's ControlServer). The broker keeps virtual hosts, users and rules in its
 * own configuration, and messages of durable queues in a Derby store per virtual host.
 */
final class QpidBroker implements RabbitBackend {

    static final String VERSION = "10.1.0";
    /** The launcher in the broker's child JVM; a name, not a class literal, so that nothing in Karaf loads it. */
    static final String MAIN_CLASS = "io.strato.services.rabbit.server.RabbitBrokerMain";
    /** Every class of the launcher, unpacked for the broker's JVM. */
    static final List<String> LAUNCHER_CLASSES = Stream.of("RabbitBrokerMain", "RunningBroker", "BrokerListener",
            "BrokerConfig", "AccessRules", "BrokerAdmin", "ControlServer").map(name -> "io.strato.services.rabbit.server." + name).toList();
    /** Unix domain socket paths are limited to 107 bytes on Linux. */
    private static final int MAX_SOCKET_PATH = 100;
    private static final System.Logger LOG = System.getLogger(RabbitServicePlugin.class.getName());

    private final String host;
    private final int port;
    private final SecureRandom random = new SecureRandom();
    private final SupervisedProcess broker;
    private final BrokerControl control;
    private final String startFailure;

    /** Starts the broker; when it cannot, the backend stays down and says why in health() and in every operation. */
    QpidBroker(RabbitServicePlugin.Config config) {
        this.host = config.host();
        this.port = config.port();
        Path dataDir = InstanceServers.dataDir(config.dataDir(), "rabbit").toAbsolutePath();
        String java = config.javaBinary().isBlank()
                ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
                : config.javaBinary();
        SupervisedProcess process = null;
        BrokerControl controlChannel = null;
        String failure = null;
        Duration timeout = Duration.ofSeconds(config.startTimeoutSeconds());
        try {
            ServerUser user = ServerUser.forServer("rabbit", config.runAs());
            user.prepareParent(dataDir);
            stopLeftover(dataDir);
            // the broker writes only its work directory and its control socket's directory
            Path work = dataDir.resolve("broker");
            user.prepareOwnDir(work);
            String secret = secret(dataDir.resolve("control.secret"));
            user.own(dataDir.resolve("control.secret"));
            Path socket = controlSocket(dataDir);
            prepareSocketDir(socket.getParent(), user);
            String classPath = classPath(dataDir.resolve("server"));
            Path log = dataDir.resolve("broker.log");
            List<String> command = new ArrayList<>(List.of(java,
                    "-Xmx" + config.heapMb() + "m", "-XX:MaxDirectMemorySize=" + config.directMemoryMb() + "m", "-XX:+UseSerialGC",
                    // a handful of threads per virtual host instead of Qpid's 64: a node has many small virtual hosts
                    "-Dvirtualhost.connectionThreadPool.size=4", "-Dvirtualhost.connectionThreadPool.numberOfSelectors=1",
                    "-Dvirtualhost.housekeepingThreadCount=1", "-Dqpid.port.amqp.threadPool.size=4",
                    "-Dderby.stream.error.file=" + work.resolve("derby.log"),
                    "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS",
                    "-Dorg.slf4j.simpleLogger.showThreadName=false", "-Dorg.slf4j.simpleLogger.log.org.apache.qpid=warn",
                    "-cp", classPath, MAIN_CLASS,
                    host, Integer.toString(port), dataDir.resolve("broker").toString(), socket.toString(),
                    dataDir.resolve("control.secret").toString()));
            if (listening(host, port)) {
                throw new IOException("another program listens on " + host + ":" + port + "; stop it or set port in etc/io.strato.service.rabbit.cfg");
            }
            controlChannel = new BrokerControl(socket, secret);
            process = new SupervisedProcess(new ProcessSpec("rabbit broker", user.wrap(command), dataDir, log, Map.of(), host, port, timeout));
            long started = System.nanoTime();
            process.start();
            controlChannel.await(timeout);
            LOG.log(Level.INFO, "rabbit broker (Qpid Broker-J " + VERSION + ") started in " + (System.nanoTime() - started) / 1_000_000
                    + " ms on " + host + ":" + port + " (pid " + process.pid() + ", " + controlChannel.call("PING").split(" ")[1]
                    + " virtual hosts, log " + log + ")");
        } catch (IOException | RuntimeException e) {
            failure = "the rabbit broker could not be started: " + e.getMessage();
            LOG.log(Level.ERROR, failure);
            if (process != null) {
                process.stop();
            }
        }
        this.broker = process;
        this.control = controlChannel;
        this.startFailure = failure;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String description() {
        return "RabbitMQ-compatible message broker (AMQP 0-9-1, Qpid Broker-J)";
    }

    @Override
    public void createVirtualHost(String vhost) throws IOException {
        call("CREATE-VHOST", vhost);
    }

    @Override
    public void createUser(String user, String password, String vhost) throws IOException {
        call("CREATE-USER", user, password, vhost);
    }

    @Override
    public void deleteUser(String user) throws IOException {
        call("DELETE-USER", user);
    }

    @Override
    public boolean deleteVirtualHost(String vhost) throws IOException {
        return "true".equals(call("DELETE-VHOST", vhost));
    }

    @Override
    public ServiceHealth health() {
        if (startFailure != null) {
            return ServiceHealth.down(startFailure);
        }
        try {
            String[] ping = control.call("PING").split(" ");
            return ServiceHealth.up("rabbit broker at " + host + ":" + port + " is " + ping[0] + " with " + ping[1] + " virtual hosts and "
                    + ping[2] + " users" + (broker.restarts() > 0 ? "; restarted " + broker.restarts() + " times" : ""));
        } catch (IOException e) {
            return ServiceHealth.down("rabbit broker at " + host + ":" + port + " does not answer"
                    + (broker.isAlive() ? "" : " (not running; it is restarted with back-off)") + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.stop();
            LOG.log(Level.INFO, "rabbit broker stopped");
        }
    }

    private String call(String... command) throws IOException {
        if (startFailure != null) {
            throw new IOException("rabbit is not available on this node: " + startFailure);
        }
        return control.call(command);
    }

    /**
     * A broker this data directory's plugin started and never stopped (the node was killed) still holds the
     * port and the stores: stop it, as the plugin would have.
     */
    private static void stopLeftover(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("broker").resolve("broker.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (NumberFormatException e) {
            return;
        }
        ProcessHandle leftover = ProcessHandle.of(pid).orElse(null);
        String commandLine = leftover == null ? "" : leftover.info().commandLine().orElse("");
        if (leftover == null || !leftover.isAlive() || !commandLine.contains(MAIN_CLASS)
                || !commandLine.contains(dataDir.resolve("broker").toString())) {
            return;
        }
        LOG.log(Level.WARNING, "a rabbit broker from an earlier run of this node is still running (pid " + pid + "); stopping it");
        leftover.destroy();
        try {
            leftover.onExit().get(15, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            leftover.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the leftover rabbit broker", e);
        }
    }

    private static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The control secret, made at first start; only the node's user can read it. */
    private String secret(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!existing.isEmpty()) {
                return existing;
            }
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial, secret + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return secret;
    }

    /**
     * In the directory {@code control} of the data directory; when that path is too long for a Unix socket, in a
     * private directory under /tmp named after it.
     */
    static Path controlSocket(Path dataDir) throws IOException {
        Path socket = dataDir.resolve("control").resolve("control.sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
            return socket;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(dataDir.toString().getBytes(StandardCharsets.UTF_8));
            // not java.io.tmpdir: in Karaf that is data/tmp, as deep as the data directory itself
            return Path.of("/tmp", "strato-rabbit-" + HexFormat.of().formatHex(hash, 0, 8))
                    .resolve("control.sock");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    /**
     * The socket's directory, the broker user's, mode 700. One that exists must be a directory of the node's or of
     * that user's, not a link or another user's (anyone may create a directory under /tmp).
     */
    private static void prepareSocketDir(Path dir, ServerUser user) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int node = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || owner != node && owner != user.uid()) {
                throw new IOException(dir + " is not a directory of this node's (owner uid " + owner
                        + "); remove it, or set a shorter dataDir in etc/io.strato.service.rabbit.cfg");
            }
        }
        user.prepareOwnDir(dir);
    }

    /** The Qpid Broker-J jars and the launcher, unpacked from this bundle into {@code dir}; @return the class path */
    static String classPath(Path dir) throws IOException {
        return ServerClassPath.unpack(QpidBroker.class, LAUNCHER_CLASSES, dir, "the Qpid broker");
    }
}
