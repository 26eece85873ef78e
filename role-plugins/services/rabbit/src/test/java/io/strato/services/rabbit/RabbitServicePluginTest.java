package io.strato.services.rabbit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.strato.api.files.FileTrees;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceInstance;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the real broker (Qpid Broker-J in a child JVM) and talks to it with the RabbitMQ Java client. */
class RabbitServicePluginTest {

    /** Under target/ rather than a @TempDir: /tmp/junit* is private to root, and the broker runs as strato-rabbit. */
    private final Path dataDir = Path.of("target", "rabbit-" + System.nanoTime()).toAbsolutePath();

    private RabbitServicePlugin plugin;
    private int port;

    @AfterEach
    void stopBroker() throws IOException {
        if (plugin != null) {
            plugin.deactivate();
        }
        FileTrees.delete(dataDir);
    }

    private RabbitServicePlugin start() throws IOException {
        if (port == 0) {
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
        }
        return new RabbitServicePlugin(new RabbitServicePlugin.Config() {
            public String dataDir() { return dataDir.toString(); }
            public String host() { return "127.0.0.1"; }
            public int port() { return port; }
            public String javaBinary() { return ""; }
            public int heapMb() { return 128; }
            public int directMemoryMb() { return 64; }
            public int startTimeoutSeconds() { return 60; }
            public String runAs() { return ""; }
            public String externalHost() { return ""; }
            public int externalPort() { return 5672; }
            public String managementUrl() { return ""; }
            public String adminUser() { return "guest"; }
            public String adminPassword() { return ""; }
            public Class<? extends Annotation> annotationType() { return RabbitServicePlugin.Config.class; }
        });
    }

    private static Connection connect(ServiceCredentials credentials) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(credentials.uri());
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection();
    }

    private static Connection connect(ServiceCredentials credentials, String password, String vhost) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(credentials.hostname());
        factory.setPort(credentials.port());
        factory.setUsername(credentials.username());
        factory.setPassword(password);
        factory.setVirtualHost(vhost);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection();
    }

    /** Publishes a persistent message to the durable queue "jobs" and waits until the broker has it on disk. */
    private static void publish(ServiceCredentials credentials, String body) throws Exception {
        try (Connection connection = connect(credentials); Channel channel = connection.createChannel()) {
            channel.queueDeclare("jobs", true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", "jobs", MessageProperties.PERSISTENT_TEXT_PLAIN, body.getBytes(StandardCharsets.UTF_8));
            assertTrue(channel.waitForConfirms(10_000));
        }
    }

    private static String take(ServiceCredentials credentials) throws Exception {
        try (Connection connection = connect(credentials); Channel channel = connection.createChannel()) {
            channel.queueDeclare("jobs", true, false, false, null);
            GetResponse response = channel.basicGet("jobs", true);
            return response == null ? null : new String(response.getBody(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void provisionBindUseIsolateUnbindDeprovision() throws Exception {
        plugin = start();
        assertTrue(plugin.health().up(), plugin.health().detail());
        assertEquals("rabbitmq", plugin.catalog().label());
        assertEquals("rabbit", plugin.name());

        ServiceInstance first = plugin.provision("11111111-aaaa-4bbb-8ccc-000000000001", "free", Map.of());
        ServiceInstance second = plugin.provision("22222222-aaaa-4bbb-8ccc-000000000002", "free", Map.of());
        ServiceCredentials a = plugin.bind(first, new ServiceBinding("binding-a", "app-guid", 20001));
        ServiceCredentials b = plugin.bind(second, new ServiceBinding("binding-b", "app-guid", 20001));

        String vhostA = first.details().get("vhost");
        assertEquals("11111111-aaaa-4bbb-8ccc-000000000001", vhostA);
        assertEquals(Map.of("uri", "amqp://" + a.username() + ":" + a.password() + "@127.0.0.1:" + port + "/" + vhostA,
                "name", vhostA, "hostname", "127.0.0.1", "host", "127.0.0.1", "port", port,
                "username", a.username(), "user", a.username(), "password", a.password(), "vhost", vhostA), a.toMap());
        assertNotEquals(a.password(), b.password());

        // publish and consume on a durable queue of the instance's own virtual host
        publish(a, "hello");
        assertEquals("hello", take(a));
        publish(a, "kept");

        // the second instance's virtual host does not know the first one's queue
        try (Connection connection = connect(b)) {
            Channel channel = connection.createChannel();
            assertThrows(IOException.class, () -> channel.queueDeclarePassive("jobs"));
        }
        // one instance's credentials do not open another's virtual host
        assertThrows(IOException.class, () -> connect(a, a.password(), b.name()).close());
        assertThrows(IOException.class, () -> connect(b, b.password(), a.name()).close());
        // nor a virtual host that does not exist, nor the default one
        assertThrows(IOException.class, () -> connect(a, a.password(), "/").close());
        // a wrong password is refused
        assertThrows(PossibleAuthenticationFailureException.class, () -> connect(a, "wrong-password", a.name()).close());

        // unbind: the binding's open connection is closed and its credentials stop working
        Connection open = connect(a);
        plugin.unbind(first, new ServiceBinding("binding-a", "app-guid", 20001));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (open.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(open.isOpen(), "the unbound user's connection is still open");
        assertThrows(PossibleAuthenticationFailureException.class, () -> connect(a).close());

        // another binding of the same instance finds the instance's message; binding again gives a new password
        ServiceCredentials c = plugin.bind(first, new ServiceBinding("binding-c", "app-guid", 20001));
        ServiceCredentials c2 = plugin.bind(first, new ServiceBinding("binding-c", "app-guid", 20001));
        assertNotEquals(c.password(), c2.password());
        assertThrows(PossibleAuthenticationFailureException.class, () -> connect(c).close());
        assertEquals("kept", take(c2));

        // deprovision: the virtual host, its store and its users are gone for real
        Path store = dataDir.resolve("broker").resolve("vhosts").resolve(vhostA);
        assertTrue(Files.isDirectory(store), "no store at " + store);
        plugin.deprovision(first);
        assertFalse(Files.exists(store), "the store of a deprovisioned instance is still there");
        assertThrows(PossibleAuthenticationFailureException.class, () -> connect(c2).close());
        assertThrows(ServiceException.class, () -> plugin.bind(first, new ServiceBinding("binding-d", "app-guid", 20001)));

        // the other instance is untouched
        publish(b, "still here");
        assertEquals("still here", take(b));
        assertTrue(plugin.health().detail().contains("1 virtual hosts and 1 users"), plugin.health().detail());
    }

    @Test
    void aFailedProvisionOrBindLeavesNothingBehind() throws Exception {
        plugin = start();
        ServiceInstance instance = plugin.provision("inst", "free", Map.of());
        ServiceException twice = assertThrows(ServiceException.class, () -> plugin.provision("inst", "free", Map.of()));
        assertTrue(twice.getMessage().contains("already exists"), twice.getMessage());
        // the first instance still works
        publish(plugin.bind(instance, new ServiceBinding("one", "app-guid", 20001)), "x");

        ServiceInstance missing = new ServiceInstance("missing", "free", Map.of("vhost", "missing"));
        assertThrows(ServiceException.class, () -> plugin.bind(missing, new ServiceBinding("two", "app-guid", 20001)));
        assertTrue(plugin.health().detail().contains("1 virtual hosts and 1 users"), plugin.health().detail());

        // deprovisioning what is already gone is no error (the broker retries a failed deprovision)
        plugin.deprovision(instance);
        plugin.deprovision(instance);
        assertTrue(plugin.health().detail().contains("0 virtual hosts and 0 users"), plugin.health().detail());
    }

    @Test
    void theControlChannelWantsTheSecret() throws Exception {
        plugin = start();
        BrokerControl wrong = new BrokerControl(QpidBroker.controlSocket(dataDir), "not-the-secret");
        IOException refused = assertThrows(IOException.class, () -> wrong.call("CREATE-VHOST", "sneaky"));
        assertTrue(refused.getMessage().contains("wrong control secret"), refused.getMessage());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("control.secret"))));
    }

    @Test
    void aPortHeldByAnotherProgramIsReportedNotShared() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = other.getLocalPort();
            plugin = start();
            assertFalse(plugin.health().up());
            assertTrue(plugin.health().detail().contains("another program listens on 127.0.0.1:" + port), plugin.health().detail());
            ServiceException refused = assertThrows(ServiceException.class, () -> plugin.provision("x", "free", Map.of()));
            assertTrue(refused.getMessage().contains("rabbit is not available on this node"), refused.getMessage());
        }
    }

    @Test
    void aBrokerLeftBehindByACrashedNodeIsStoppedAtStart() throws Exception {
        plugin = start();
        ServiceInstance instance = plugin.provision("left", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b1", "app-guid", 20001));
        plugin.deactivate();
        plugin = null;
        // the broker as the plugin runs it, but with no plugin watching it: what a killed node leaves behind
        String classPath = QpidBroker.classPath(dataDir.resolve("server"));
        Process leftover = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", classPath, QpidBroker.MAIN_CLASS, "127.0.0.1", Integer.toString(port),
                dataDir.resolve("broker").toString(), QpidBroker.controlSocket(dataDir).toString(), dataDir.resolve("control.secret").toString())
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("leftover.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dataDir.resolve("leftover.log")).contains("ready on") && System.nanoTime() < deadline) {
                assertTrue(leftover.isAlive(), Files.readString(dataDir.resolve("leftover.log")));
                Thread.sleep(100);
            }
            plugin = start();
            assertTrue(leftover.waitFor(20, TimeUnit.SECONDS), "the leftover broker still runs");
            assertTrue(plugin.health().up(), plugin.health().detail());
            publish(credentials, "after takeover");
            assertEquals("after takeover", take(credentials));
        } finally {
            leftover.destroyForcibly();
        }
    }

    @Test
    void virtualHostsUsersAndDurableMessagesSurviveRestartsAndCrashes() throws Exception {
        // stopped right after its first start, before anything was provisioned: it still has its port, users and rules
        plugin = start();
        plugin.deactivate();
        plugin = null;
        plugin = start();
        assertTrue(plugin.health().up(), plugin.health().detail());
        ServiceInstance instance = plugin.provision("durable", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b1", "app-guid", 20001));
        publish(credentials, "before restart");

        // the node stops the role and starts it again
        plugin.deactivate();
        plugin = null;
        plugin = start();
        assertEquals("before restart", take(credentials));

        // the broker is killed: the plugin restarts it, with what it had stored
        publish(credentials, "before crash");
        List<ProcessHandle> brokers = ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains(QpidBroker.MAIN_CLASS)).toList();
        assertEquals(1, brokers.size(), "one broker JVM");
        brokers.get(0).destroyForcibly();
        brokers.get(0).onExit().get(10, TimeUnit.SECONDS);
        String body = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                body = take(credentials);
                break;
            } catch (IOException e) {
                Thread.sleep(250);
            }
        }
        assertEquals("before crash", body);
        assertTrue(plugin.health().up(), plugin.health().detail());
        assertTrue(plugin.health().detail().contains("restarted 1 times"), plugin.health().detail());
        assertNull(take(credentials));
    }

    @Test
    void theBrokerRunsAsItsOwnUserAndNoOtherUidCanReadItsFiles() throws Exception {
        if (!io.strato.api.service.process.ServerUser.nodeIsRoot()) {
            return;
        }
        plugin = start();
        assertTrue(plugin.health().up(), plugin.health().detail());
        assertEquals("strato-rabbit", Files.getOwner(dataDir.resolve("broker")).getName());
        Process ps = new ProcessBuilder("ps", "-o", "user:32=,args=", "-C", "java").start();
        String processes = new String(ps.getInputStream().readAllBytes());
        assertTrue(processes.lines().anyMatch(l -> l.startsWith("strato-rabbit") && l.contains(dataDir.toString())), processes);
        for (String file : List.of("control.secret", "broker/config.json", "broker.log")) {
            Process p = new ProcessBuilder("setpriv", "--reuid=20077", "--regid=20077", "--clear-groups", "--", "cat",
                    dataDir.resolve(file).toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertNotEquals(0, p.waitFor(), "an app uid cannot read " + file);
        }
    }
}
