package io.strato.services.harbor;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
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

/** UDP harbor ports: real datagrams through the plugin to echo "instances" on 127.0.0.1. */
@Timeout(30)
class HarborUdpTest {

    private static final String APP = "app-1";
    /** Apart from HarborServicePluginTest's ranges, and below Linux's ephemeral ports (32768+). */
    private static final AtomicInteger NEXT_RANGE = new AtomicInteger(20000 + (int) (ProcessHandle.current().pid() % 80) * 20);
    /** How long a client waits for an answer that should come. */
    private static final int ANSWER_MS = 3000;
    /** How long a client waits to be sure no answer comes. */
    private static final int SILENCE_MS = 500;

    private final Path dir = Path.of("target", "fixtures", UUID.randomUUID().toString(), "harbor");
    private final LocalSharedState shared = new LocalSharedState();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private int first;
    private String range;
    private HarborServicePlugin plugin;

    @BeforeEach
    void setUp() throws IOException {
        first = freePorts(3);
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
    void aUdpPortRelaysEachClientsDatagramsToTheInstanceAndBack() throws Exception {
        UdpEcho a = udpEcho("a");
        running("i-a", a.port());

        ServiceInstance instance = plugin.provision("h1", "free", Map.of("protocol", "udp"));
        int port = Integer.parseInt(instance.details().get("port"));
        assertEquals(first, port, "the first port of the range");
        assertEquals("udp", instance.details().get("protocol"));

        ServiceCredentials credentials = plugin.bind(bound(instance), new ServiceBinding("b1", "app-guid", 20001));
        assertEquals("udp://127.0.0.1:" + port, credentials.uri());
        assertEquals(port, credentials.port());
        assertEquals(Integer.toString(port), credentials.toMap().get("harbor_port"));
        assertEquals("udp", credentials.toMap().get("protocol"));

        DatagramSocket one = client();
        DatagramSocket two = client();
        for (int i = 0; i < 3; i++) {
            assertEquals("a", exchange(one, port, "one " + i));
            assertEquals("a", exchange(two, port, "two " + i));
        }
        assertEquals(2, a.sources().size(), "one outbound socket, so one source address, per client");
        assertTrue(plugin.health().detail().contains("2 UDP session(s)"), plugin.health().detail());
        assertRefused(port, "a UDP port does not listen for TCP");
    }

    @Test
    void newClientsGoToTheInstancesInTurnAndStayWithTheirs() throws Exception {
        running("i-a", udpEcho("a").port());
        running("i-b", udpEcho("b").port());
        int port = bindUdp("h1");

        List<DatagramSocket> clients = List.of(client(), client(), client(), client());
        List<String> served = new ArrayList<>();
        for (DatagramSocket c : clients) {
            served.add(exchange(c, port, "hello"));
        }
        assertEquals(List.of("a", "b", "a", "b"), served, "new clients spread over the running instances");
        for (int i = 0; i < clients.size(); i++) {
            assertEquals(served.get(i), exchange(clients.get(i), port, "again"), "a client stays with its instance");
        }
    }

    @Test
    void anIdleSessionExpiresAndTheClientsNextDatagramOpensANewOne() throws Exception {
        restart(Duration.ofMillis(300), 1024);
        running("i-a", udpEcho("a").port());
        running("i-b", udpEcho("b").port());
        int port = bindUdp("h1");

        DatagramSocket c = client();
        assertEquals("a", exchange(c, port, "1"));
        Thread.sleep(100);
        assertEquals("a", exchange(c, port, "2"), "within the idle time the session holds");
        awaitSessions(0);
        assertEquals("b", exchange(c, port, "3"), "a new session, so the next instance in turn");
    }

    @Test
    void newClientsBeyondTheSessionLimitAreDropped() throws Exception {
        restart(Duration.ofMillis(400), 1);
        running("i-a", udpEcho("a").port());
        int port = bindUdp("h1");

        DatagramSocket one = client();
        DatagramSocket two = client();
        assertEquals("a", exchange(one, port, "first"));
        assertNoAnswer(two, port, "a second client while one session is all there may be");
        assertEquals("a", exchange(one, port, "still"), "the open session goes on");
        awaitSessions(0);
        assertEquals("a", exchange(two, port, "now"), "once the first session expired there is room");
    }

    @Test
    void aSessionLeavesAnInstanceThatNoLongerRuns() throws Exception {
        restart(Duration.ofSeconds(2), 1024);
        running("i-a", udpEcho("a").port());
        running("i-b", udpEcho("b").port());
        int port = bindUdp("h1");

        DatagramSocket c = client();
        assertEquals("a", exchange(c, port, "1"));
        shared.map(Channels.INSTANCES).remove("i-a");
        awaitSessions(0);
        assertEquals("b", exchange(c, port, "2"));
    }

    @Test
    void datagramsWithoutARunningInstanceAreDropped() throws Exception {
        int port = bindUdp("h1");
        assertNoAnswer(client(), port, "no instance runs");
        assertTrue(plugin.health().detail().contains("0 UDP session(s)"), plugin.health().detail());
    }

    @Test
    void unbindAndDeprovisionCloseThePortAndItsSessions() throws Exception {
        running("i-a", udpEcho("a").port());
        ServiceInstance instance = plugin.provision("h1", "free", Map.of("protocol", "udp"));
        int port = Integer.parseInt(instance.details().get("port"));
        assertNoAnswer(client(), port, "nothing forwards before a bind");

        plugin.bind(bound(instance), new ServiceBinding("b1", "app-guid", 20001));
        DatagramSocket c = client();
        assertEquals("a", exchange(c, port, "bound"));
        plugin.unbind(instance, new ServiceBinding("b1", "app-guid", 20001));
        assertNoAnswer(c, port, "after unbind");
        assertUdpBindable(port, "after unbind");

        assertEquals(port, plugin.bind(bound(instance), new ServiceBinding("b2", "app-guid", 20001)).port(), "the port stays the instance's");
        assertEquals("a", exchange(c, port, "bound again"));
        plugin.deprovision(instance);
        assertNoAnswer(c, port, "after deprovision");
        assertUdpBindable(port, "after deprovision");
        assertEquals(port, Integer.parseInt(plugin.provision("h2", "free", Map.of("protocol", "udp"))
                .details().get("port")), "the port is free for the next instance");
    }

    @Test
    void aRestartedNodeForwardsItsBoundUdpPortsAgain() throws Exception {
        running("i-a", udpEcho("a").port());
        int port = bindUdp("h1");
        DatagramSocket c = client();
        assertEquals("a", exchange(c, port, "before"));

        plugin.deactivate();
        assertNoAnswer(c, port, "a stopped plugin forwards nothing");
        assertUdpBindable(port, "a stopped plugin holds no port");
        plugin = new HarborServicePlugin(dir, "127.0.0.1", "10.0.0.5", range, shared);
        assertEquals("a", exchange(c, port, "after"));
        assertRefused(port, "still UDP only");
    }

    @Test
    void bothForwardsTcpAndUdpOnTheSameNumber() throws Exception {
        TcpAndUdpEcho a = new TcpAndUdpEcho("a");
        cleanup.add(a);
        running("i-a", a.port());
        ServiceInstance instance = plugin.provision("h1", "free", Map.of("protocol", "both"));
        int port = Integer.parseInt(instance.details().get("port"));
        assertEquals("both", instance.details().get("protocol"));

        ServiceCredentials credentials = plugin.bind(bound(instance), new ServiceBinding("b1", "app-guid", 20001));
        assertEquals("tcp://127.0.0.1:" + port, credentials.uri());
        assertEquals("both", credentials.toMap().get("protocol"));
        assertEquals(Integer.toString(port), credentials.toMap().get("harbor_port"));

        assertEquals("a", exchange(client(), port, "datagram"));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(ANSWER_MS);
            s.getOutputStream().write("stream".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            assertEquals("astream", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        plugin.deprovision(instance);
        assertRefused(port, "after deprovision");
        assertUdpBindable(port, "after deprovision");
    }

    @Test
    void bothNeedsANumberFreeForTcpAndUdpAndUdpNeedsAFreeUdpPort() throws Exception {
        try (DatagramSocket udpOnFirst = new DatagramSocket(new InetSocketAddress("127.0.0.1", first))) {
            assertEquals(first + 1, port(plugin.provision("h1", "free", Map.of("protocol", "both"))),
                    "the first port is taken for UDP");
            assertEquals(first, port(plugin.provision("h2", "free", Map.of())), "but free for TCP");
            try (DatagramSocket udpOnLast = new DatagramSocket(new InetSocketAddress("127.0.0.1", first + 2))) {
                ServiceException both = assertThrows(ServiceException.class,
                        () -> plugin.provision("h3", "free", Map.of("protocol", "both")));
                assertEquals("no free harbor port: no port of " + range + " on 127.0.0.1 is free for both TCP and"
                        + " UDP; widen portRange in io.strato.service.harbor.cfg, or create one harbor service with"
                        + " protocol=tcp and one with protocol=udp", both.getMessage());
                ServiceException udp = assertThrows(ServiceException.class,
                        () -> plugin.provision("h3", "free", Map.of("protocol", "udp")));
                assertEquals("no free harbor port: every port of " + range + " on 127.0.0.1 is taken for UDP;"
                        + " widen portRange in io.strato.service.harbor.cfg", udp.getMessage());
            }
        }
    }

    @Test
    void theProtocolParameter() throws Exception {
        assertEquals("tcp", plugin.provision("h1", "free", Map.of()).details().get("protocol"), "TCP by default");
        assertEquals("udp", plugin.provision("h2", "free", Map.of("protocol", " UDP ")).details().get("protocol"));
        assertEquals("udp", plugin.provision("h3", "free", Map.of("udp", "true")).details().get("protocol"),
                "udp=true asks for UDP");
        ServiceException bad = assertThrows(ServiceException.class,
                () -> plugin.provision("h4", "free", Map.of("protocol", "sctp")));
        assertEquals("the parameter protocol must be tcp, udp or both, not sctp", bad.getMessage());
        assertThrows(ServiceException.class,
                () -> plugin.provision("h4", "free", Map.of("protocol", "tcp", "udp", "true")));
    }

    // ---- helpers

    private void restart(Duration idle, int maxSessions) {
        plugin.deactivate();
        plugin = new HarborServicePlugin(dir, "127.0.0.1", "10.0.0.5", range, shared, idle, maxSessions);
    }

    private int bindUdp(String id) throws ServiceException {
        ServiceInstance instance = plugin.provision(id, "free", Map.of("protocol", "udp"));
        plugin.bind(bound(instance), new ServiceBinding("b-" + id, "app-guid", 20001));
        return port(instance);
    }

    private static int port(ServiceInstance instance) {
        return Integer.parseInt(instance.details().get("port"));
    }

    private void awaitSessions(int count) throws InterruptedException {
        String expected = count + " UDP session(s)";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!plugin.health().detail().contains(expected)) {
            assertTrue(System.nanoTime() < deadline, "still " + plugin.health().detail());
            Thread.sleep(20);
        }
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

    private DatagramSocket client() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        cleanup.add(s);
        return s;
    }

    /** Sends a datagram to the harbor port and returns the name of the instance that echoed it. */
    private static String exchange(DatagramSocket client, int port, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(out, out.length, InetAddress.getByName("127.0.0.1"), port));
        client.setSoTimeout(ANSWER_MS);
        DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
        client.receive(in);
        assertEquals(port, in.getPort(), "the answer comes from the harbor port");
        String answer = new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
        assertEquals(text, answer.substring(1), "the bytes come back");
        return answer.substring(0, 1);
    }

    private static void assertNoAnswer(DatagramSocket client, int port, String when) throws IOException {
        byte[] out = "anyone?".getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(out, out.length, InetAddress.getByName("127.0.0.1"), port));
        client.setSoTimeout(SILENCE_MS);
        DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
        try {
            client.receive(in);
        } catch (SocketTimeoutException | PortUnreachableException expected) {
            return;
        }
        throw new AssertionError(when + ": an answer came: "
                + new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8));
    }

    private static void assertUdpBindable(int port, String when) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(port, s.getLocalPort());
        } catch (IOException e) {
            throw new AssertionError(when + ": UDP port " + port + " is still bound: " + e.getMessage(), e);
        }
    }

    private static void assertRefused(int port, String when) {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), when);
    }

    /** The first of {@code count} consecutive ports free for TCP and UDP, a new range for every test. */
    private static int freePorts(int count) throws IOException {
        for (int first = NEXT_RANGE.getAndAdd(count); first < 30000; first = NEXT_RANGE.getAndAdd(count)) {
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IOException("no " + count + " free consecutive ports");
    }

    private static boolean allFree(int first, int count) {
        for (int p = first; p < first + count; p++) {
            try (ServerSocket s = new ServerSocket(); DatagramSocket d = new DatagramSocket(null)) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
                d.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private UdpEcho udpEcho(String name) throws IOException {
        UdpEcho echo = new UdpEcho(name, 0);
        cleanup.add(echo);
        return echo;
    }

    /** Answers every datagram with its one-letter name followed by the datagram, to whoever sent it. */
    private static final class UdpEcho implements AutoCloseable {
        private final DatagramSocket socket;
        private final java.util.Set<java.net.SocketAddress> sources = java.util.concurrent.ConcurrentHashMap.newKeySet();

        UdpEcho(String name, int port) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
            byte[] prefix = name.getBytes(StandardCharsets.UTF_8);
            Thread t = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket in = new DatagramPacket(buf, prefix.length, buf.length - prefix.length);
                        socket.receive(in);
                        sources.add(in.getSocketAddress());
                        System.arraycopy(prefix, 0, buf, 0, prefix.length);
                        socket.send(new DatagramPacket(buf, 0, prefix.length + in.getLength(), in.getSocketAddress()));
                    } catch (IOException e) {
                        // closing
                    }
                }
            }, "udp-echo-" + name);
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        java.util.Set<java.net.SocketAddress> sources() {
            return sources;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** An instance serving TCP and UDP on one port, as an app bound to a {@code both} harbor port does. */
    private static final class TcpAndUdpEcho implements AutoCloseable {
        private final ServerSocket server;
        private final UdpEcho udp;

        TcpAndUdpEcho(String name) throws IOException {
            ServerSocket s = null;
            UdpEcho u = null;
            for (int attempt = 0; attempt < 20 && u == null; attempt++) {
                s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                try {
                    u = new UdpEcho(name, s.getLocalPort());
                } catch (IOException taken) {
                    s.close();
                }
            }
            if (u == null) {
                throw new IOException("no port free for TCP and UDP");
            }
            server = s;
            udp = u;
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket c = server.accept()) {
                        OutputStream out = c.getOutputStream();
                        out.write(name.getBytes(StandardCharsets.UTF_8));
                        c.getInputStream().transferTo(out);
                    } catch (IOException e) {
                        // the client went, or the server is closing
                    }
                }
            }, "tcp-echo-" + name);
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            udp.close();
        }
    }
}
