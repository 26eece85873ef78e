package io.strato.services.rabbit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceInstance;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The external mode against a real RabbitMQ (Debian's rabbitmq-server, started by {@link RabbitMqServer} on
 * loopback ports of its own): the plugin runs no broker and works through the management HTTP API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RabbitExternalServerTest {

    private static RabbitMqServer server;

    @BeforeAll
    static void startRabbitMq() throws Exception {
        server = new RabbitMqServer(Path.of("target"));
        System.out.println("RabbitMQ started in " + server.startMillis + " ms (AMQP 127.0.0.1:" + server.amqpPort + ", management "
                + server.managementUrl() + ", " + server.dir + ")");
    }

    @AfterAll
    static void stopRabbitMq() {
        if (server != null) {
            server.close();
        }
    }

    private static RabbitServicePlugin plugin(String managementUrl, String adminPassword) {
        return new RabbitServicePlugin(new RabbitServicePlugin.Config() {
            public String dataDir() { return ""; }
            public String host() { return "127.0.0.1"; }
            public int port() { return 15673; }
            public String javaBinary() { return ""; }
            public int heapMb() { return 128; }
            public int directMemoryMb() { return 64; }
            public int startTimeoutSeconds() { return 60; }
            public String runAs() { return ""; }
            public String externalHost() { return "127.0.0.1"; }
            public int externalPort() { return server.amqpPort; }
            public String managementUrl() { return managementUrl; }
            public String adminUser() { return server.adminUser; }
            public String adminPassword() { return adminPassword; }
            public Class<? extends Annotation> annotationType() { return RabbitServicePlugin.Config.class; }
        });
    }

    private static RabbitServicePlugin plugin() {
        return plugin(server.managementUrl(), server.adminPassword);
    }

    private static Connection connect(ServiceCredentials credentials) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(credentials.uri());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5000);
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
        factory.setConnectionTimeout(5000);
        return factory.newConnection();
    }

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

    private static int status(String path) throws Exception {
        return server.api("GET", path).statusCode();
    }

    @Test
    @Order(1)
    void provisionBindUseIsolateUnbindDeprovision() throws Exception {
        RabbitServicePlugin plugin = plugin();
        ServiceHealth health = plugin.health();
        assertTrue(health.up(), health.detail());
        assertTrue(health.detail().contains("RabbitMQ 3."), health.detail());
        assertEquals("rabbitmq", plugin.catalog().label());

        ServiceInstance first = plugin.provision("11111111-aaaa-4bbb-8ccc-000000000001", "free", Map.of());
        ServiceInstance second = plugin.provision("22222222-aaaa-4bbb-8ccc-000000000002", "free", Map.of());
        String vhostA = first.details().get("vhost");
        assertEquals("11111111-aaaa-4bbb-8ccc-000000000001", vhostA);
        assertEquals(200, status("/api/vhosts/" + vhostA));

        ServiceCredentials a = plugin.bind(first, new ServiceBinding("binding-a", "app-guid", 20001));
        ServiceCredentials b = plugin.bind(second, new ServiceBinding("binding-b", "app-guid", 20001));
        int port = server.amqpPort;
        assertEquals(Map.of("uri", "amqp://" + a.username() + ":" + a.password() + "@127.0.0.1:" + port + "/" + vhostA,
                "name", vhostA, "hostname", "127.0.0.1", "host", "127.0.0.1", "port", port,
                "username", a.username(), "user", a.username(), "password", a.password(), "vhost", vhostA), a.toMap());
        assertEquals("b-binding-a", a.username());
        assertEquals(48, a.password().length());
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
        // one instance's credentials do not open another's virtual host, nor the default one
        assertThrows(IOException.class, () -> connect(a, a.password(), b.name()).close());
        assertThrows(IOException.class, () -> connect(b, b.password(), a.name()).close());
        assertThrows(IOException.class, () -> connect(a, a.password(), "/").close());
        // a wrong password is refused
        assertThrows(PossibleAuthenticationFailureException.class, () -> connect(a, "wrong-password", a.name()).close());

        // unbind: the binding's open connection (opened just now, before management lists it: RabbitMQ closes it as it deletes the user)
        // is closed and its credentials stop working
        Connection open = connect(a);
        long unbindStarted = System.nanoTime();
        plugin.unbind(first, new ServiceBinding("binding-a", "app-guid", 20001));
        System.out.println("unbind took " + (System.nanoTime() - unbindStarted) / 1_000_000 + " ms");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (open.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(open.isOpen(), "the unbound user's connection is still open");
        assertThrows(PossibleAuthenticationFailureException.class, () -> connect(a).close());
        assertEquals(404, status("/api/users/b-binding-a"));
        // unbinding again is no error
        plugin.unbind(first, new ServiceBinding("binding-a", "app-guid", 20001));

        // another binding of the same instance finds the instance's message; binding again gives a new password
        ServiceCredentials c = plugin.bind(first, new ServiceBinding("binding-c", "app-guid", 20001));
        ServiceCredentials c2 = plugin.bind(first, new ServiceBinding("binding-c", "app-guid", 20001));
        assertNotEquals(c.password(), c2.password());
        assertThrows(PossibleAuthenticationFailureException.class, () -> connect(c).close());
        assertEquals("kept", take(c2));

        // deprovision: the virtual host and its users are gone for real; the admin is untouched
        Connection stillOpen = connect(c2);
        plugin.deprovision(first);
        assertEquals(404, status("/api/vhosts/" + vhostA));
        assertEquals(404, status("/api/users/b-binding-c"));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stillOpen.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(stillOpen.isOpen(), "a connection to a deleted virtual host is still open");
        assertThrows(PossibleAuthenticationFailureException.class, () -> connect(c2).close());
        ServiceException gone = assertThrows(ServiceException.class, () -> plugin.bind(first, new ServiceBinding("binding-d", "app-guid", 20001)));
        assertTrue(gone.getMessage().contains("does not exist"), gone.getMessage());
        assertEquals(404, status("/api/users/b-binding-d"));
        // deprovisioning what is already gone is no error
        plugin.deprovision(first);

        // the other instance is untouched
        publish(b, "still here");
        assertEquals("still here", take(b));
        plugin.deprovision(second);
        assertEquals(404, status("/api/users/b-binding-b"));
        health = plugin.health();
        assertTrue(health.up(), health.detail());
    }

    @Test
    @Order(2)
    void aFailedProvisionOrBindLeavesNothingBehind() throws Exception {
        RabbitServicePlugin plugin = plugin();
        ServiceInstance instance = plugin.provision("inst", "free", Map.of());
        ServiceException twice = assertThrows(ServiceException.class, () -> plugin.provision("inst", "free", Map.of()));
        assertTrue(twice.getMessage().contains("already exists"), twice.getMessage());
        // the first instance still works
        publish(plugin.bind(instance, new ServiceBinding("one", "app-guid", 20001)), "x");

        ServiceInstance missing = new ServiceInstance("missing", "free", Map.of("vhost", "missing"));
        assertThrows(ServiceException.class, () -> plugin.bind(missing, new ServiceBinding("two", "app-guid", 20001)));
        assertEquals(404, status("/api/users/b-two"));

        // wrong admin credentials: a clear reason, and nothing is created
        RabbitServicePlugin wrong = plugin(server.managementUrl(), "not-the-password");
        ServiceException refused = assertThrows(ServiceException.class, () -> wrong.provision("never", "free", Map.of()));
        assertTrue(refused.getMessage().contains("refused the credentials of admin user strato-admin (401)"), refused.getMessage());
        assertFalse(wrong.health().up());
        assertEquals(404, status("/api/vhosts/never"));

        plugin.deprovision(instance);
        assertEquals(404, status("/api/vhosts/inst"));
        assertEquals(404, status("/api/users/b-one"));
    }

    /** What unbind does for servers that do not close a deleted user's connections themselves. */
    @Test
    @Order(3)
    void aUsersListedConnectionsAreClosed() throws Exception {
        RabbitServicePlugin plugin = plugin();
        ServiceInstance instance = plugin.provision("listed", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("listed-binding", "app-guid", 20001));
        Connection open = connect(credentials);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!server.api("GET", "/api/connections?columns=name,user").body().contains("\"b-listed-binding\"")) {
                assertTrue(System.nanoTime() < deadline, "management never listed the connection");
                Thread.sleep(250);
            }
            RabbitManagementApi api = new RabbitManagementApi("127.0.0.1", server.amqpPort, server.managementUrl(), server.adminUser,
                    server.adminPassword);
            assertEquals(1, api.closeConnections("b-listed-binding"));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (open.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(open.isOpen(), "the listed connection is still open");
            assertEquals("CONNECTION_FORCED - the binding was removed",
                    ((com.rabbitmq.client.AMQP.Connection.Close) open.getCloseReason().getReason()).getReplyText());
            assertEquals(200, status("/api/users/b-listed-binding"), "the user itself is still there");
        } finally {
            open.abort(); // no error when it is closed already
        }
        plugin.deprovision(instance);
    }

    @Test
    @Order(4)
    void theManagementUrlDefaultsToPort15672OfTheExternalHost() {
        ServiceHealth health = plugin("", server.adminPassword).health();
        assertTrue(health.detail().contains("management API http://127.0.0.1:15672/api"), health.detail());
    }

    @Test
    @Order(5)
    void healthIsDownWhenTheServerIsStopped() throws Exception {
        RabbitServicePlugin plugin = plugin();
        assertTrue(plugin.health().up(), plugin.health().detail());
        long stopping = System.nanoTime();
        server.close();
        System.out.println("RabbitMQ stopped in " + (System.nanoTime() - stopping) / 1_000_000 + " ms");
        assertFalse(server.isRunning());
        ServiceHealth health = plugin.health();
        assertFalse(health.up());
        assertTrue(health.detail().startsWith("RabbitMQ at 127.0.0.1:" + server.amqpPort + " (management API " + server.managementUrl()
                + "/api) does not answer: cannot connect to " + server.managementUrl() + "/api"), health.detail());
        ServiceException refused = assertThrows(ServiceException.class, () -> plugin.provision("later", "free", Map.of()));
        assertTrue(refused.getMessage().contains("cannot connect to"), refused.getMessage());
    }
}
