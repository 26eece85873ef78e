package io.strato.services.harbor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.Channels;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.json.Json;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceInstance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HarborServicePluginTest {

    private static final String APP = "app-1";
    /** Below Linux's ephemeral ports (32768+): a client socket could otherwise connect to itself on a free port. */
    private static final AtomicInteger NEXT_RANGE = new AtomicInteger(30000 + (int) (ProcessHandle.current().pid() % 80) * 20);

    private final Path dir = Path.of("target", "fixtures", UUID.randomUUID().toString(), "harbor");
    private final LocalSharedState shared = new LocalSharedState();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private String range;
    private HarborServicePlugin plugin;

    @BeforeEach
    void setUp() throws IOException {
        int first = freePorts(3);
        range = first + "-" + (first + 2);
        plugin = new HarborServicePlugin(dir, "127.0.0.1", "10.0.0.5", range, shared);
    }

    @AfterEach
    void tearDown() throws Exception {
        plugin.deactivate();
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        shared.close();
    }

    @Test
    void aBoundPortReachesTheAppsInstancesInTurnAndClosesOnUnbind() throws Exception {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        running("i-a", a.port());
        running("i-b", b.port());
        shared.map(Channels.INSTANCES).put("other-app", Json.write(new InstanceStatus("other-app", "app-2", "v1", 0,
                InstanceState.RUNNING, "dea-1", "127.0.0.1", a.port(), 256, 0, null, null)), Duration.ofMinutes(1));
        shared.map(Channels.INSTANCES).put("crashed", Json.write(new InstanceStatus("crashed", APP, "v1", 2,
                InstanceState.CRASHED, "dea-1", "127.0.0.1", 1, 256, 0, 1, "died")), Duration.ofMinutes(1));

        ServiceInstance instance = plugin.provision("h1", "free", Map.of());
        int port = Integer.parseInt(instance.details().get("port"));
        assertEquals(range.substring(0, range.indexOf('-')), Integer.toString(port), "the first port of the range");
        assertRefused(port, "nothing listens before a bind");

        ServiceCredentials credentials = plugin.bind(bound(instance), new ServiceBinding("b1", "app-guid", 20001));
        assertEquals("tcp://127.0.0.1:" + port, credentials.uri());
        assertEquals("h1", credentials.name());
        assertEquals("127.0.0.1", credentials.hostname());
        assertEquals(port, credentials.port());
        assertEquals(Integer.toString(port), credentials.toMap().get("harbor_port"));

        List<String> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            served.add(roundTrip(port, "hello " + i));
        }
        assertEquals(List.of("a", "b", "a", "b"), served, "connections go to the running instances in turn");

        try (Socket open = new Socket("127.0.0.1", port)) {
            assertEquals('a', open.getInputStream().read(), "a connection stays open while bound");
            plugin.unbind(instance, new ServiceBinding("b1", "app-guid", 20001));
            assertEquals(-1, readIgnoringReset(open.getInputStream()), "unbind cuts open connections");
        }
        assertRefused(port, "after unbind");

        assertEquals(port, plugin.bind(bound(instance), new ServiceBinding("b2", "app-guid", 20001)).port(), "the port stays the instance's");
        assertEquals("a", roundTrip(port, "back"), "a new binding starts with the first instance");
        plugin.deprovision(instance);
        assertRefused(port, "after deprovision");
    }

    @Test
    void aRestartedNodeForwardsItsBoundPortsAgain() throws Exception {
        EchoServer a = echo("a");
        running("i-a", a.port());
        ServiceInstance instance = plugin.provision("h1", "free", Map.of());
        int port = Integer.parseInt(instance.details().get("port"));
        plugin.bind(bound(instance), new ServiceBinding("b1", "app-guid", 20001));

        plugin.deactivate();
        assertRefused(port, "a stopped plugin listens on nothing");
        plugin = new HarborServicePlugin(dir, "127.0.0.1", "10.0.0.5", range, shared);
        assertEquals("a", roundTrip(port, "again"));
        assertThrows(ServiceException.class, () -> plugin.bind(bound(instance), new ServiceBinding("b2", "app-guid", 20001)), "a port goes to one app");

        int second = Integer.parseInt(plugin.provision("h2", "free", Map.of()).details().get("port"));
        assertFalse(second == port, "a restarted plugin knows which ports are taken");
    }

    @Test
    void anExhaustedRangeIsRefusedWithTheReasonAndDeprovisionGivesAPortBack() throws Exception {
        List<ServiceInstance> provisioned = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            provisioned.add(plugin.provision("h" + i, "free", Map.of()));
        }
        ServiceException e = assertThrows(ServiceException.class, () -> plugin.provision("h9", "free", Map.of()));
        assertEquals("no free harbor port: every port of " + range + " on 127.0.0.1 is taken;"
                + " widen portRange in io.strato.service.harbor.cfg", e.getMessage());

        plugin.deprovision(provisioned.get(1));
        assertEquals(provisioned.get(1).details().get("port"), plugin.provision("h9", "free", Map.of()).details().get("port"));
    }

    @Test
    void aConnectionWithoutARunningInstanceIsClosed() throws Exception {
        ServiceInstance instance = plugin.provision("h1", "free", Map.of());
        int port = Integer.parseInt(instance.details().get("port"));
        plugin.bind(bound(instance), new ServiceBinding("b1", "app-guid", 20001));
        try (Socket s = new Socket("127.0.0.1", port)) {
            assertEquals(-1, readIgnoringReset(s.getInputStream()));
        }
    }

    @Test
    void bindNeedsTheApp() throws Exception {
        ServiceInstance instance = plugin.provision("h1", "free", Map.of());
        ServiceException noApp = assertThrows(ServiceException.class, () -> plugin.bind(instance, new ServiceBinding("b1", "app-guid", 20001)));
        assertTrue(noApp.getMessage().contains("app_guid"), noApp.getMessage());
    }

    @Test
    void itIsTheHarborRoleAndService() {
        assertEquals("harbor", plugin.name());
        assertEquals("harbor", plugin.catalog().label());
        assertTrue(plugin.health().up());
    }

    /** The instance as the broker hands it to bind: with the bound app's guid in its details. */
    private static ServiceInstance bound(ServiceInstance instance) {
        Map<String, String> details = new HashMap<>(instance.details());
        details.put(HarborServicePlugin.APP_GUID, APP);
        return new ServiceInstance(instance.id(), instance.plan(), details);
    }

    private void running(String instanceId, int port) {
        shared.map(Channels.INSTANCES).put(instanceId, Json.write(new InstanceStatus(instanceId, APP, "v1", 0,
                InstanceState.RUNNING, "dea-1", "127.0.0.1", port, 256, 0, null, null)), Duration.ofMinutes(1));
    }

    /** Sends a line, half-closes, and returns the name of the backend that echoed it back. */
    private static String roundTrip(int port, String line) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(line, answer.substring(1), "the bytes come back");
            return answer.substring(0, 1);
        }
    }

    private static int readIgnoringReset(InputStream in) {
        try {
            return in.read();
        } catch (IOException reset) {
            return -1;
        }
    }

    private static void assertRefused(int port, String when) {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), when);
    }

    /**
     * The first of {@code count} consecutive ports nothing uses, a new range for every test: ports a test's
     * connections leave in TIME_WAIT cannot be allocated for a minute.
     */
    private static int freePorts(int count) throws IOException {
        for (int first = NEXT_RANGE.getAndAdd(count); first < 60000; first = NEXT_RANGE.getAndAdd(count)) {
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IOException("no " + count + " free consecutive ports");
    }

    private static boolean allFree(int first, int count) {
        for (int p = first; p < first + count; p++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private EchoServer echo(String name) throws IOException {
        EchoServer server = new EchoServer(name);
        cleanup.add(server);
        return server;
    }

    /** Writes its one-letter name, then echoes everything back until the client half-closes. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;

        EchoServer(String name) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        OutputStream out = s.getOutputStream();
                        out.write(name.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        s.getInputStream().transferTo(out);
                    } catch (IOException e) {
                        // the client went, or the server is closing
                    }
                }
            }, "echo-" + name);
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
