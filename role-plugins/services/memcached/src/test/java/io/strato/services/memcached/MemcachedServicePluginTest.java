package io.strato.services.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.files.FileTrees;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceInstance;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemcachedServicePluginTest {

    /** Under target/ rather than a @TempDir: /tmp/junit* is private to root, and the servers run as strato-memcached. */
    private final Path dataDir = Path.of("target", "memcached-test-" + System.nanoTime()).toAbsolutePath();

    private MemcachedServicePlugin plugin;

    @AfterEach
    void stopServers() throws IOException {
        if (plugin != null) {
            plugin.deactivate();
        }
        FileTrees.delete(dataDir);
    }

    private MemcachedServicePlugin.Config config() {
        return new MemcachedServicePlugin.Config() {
            public String dataDir() { return dataDir.toString(); }
            public String host() { return "127.0.0.1"; }
            public int portFirst() { return 28100; }
            public int portLast() { return 28199; }
            public String serverBinary() { return "/usr/bin/memcached"; }
            public int memoryMb() { return 16; }
            public String runAs() { return ""; }
            public int startTimeoutSeconds() { return 20; }
            public Class<? extends Annotation> annotationType() { return MemcachedServicePlugin.Config.class; }
        };
    }

    private static MemcachedClient connect(ServiceCredentials credentials) throws IOException {
        return new MemcachedClient(new InetSocketAddress(credentials.hostname(), credentials.port()));
    }

    @Test
    void eachInstanceIsItsOwnServer() throws Exception {
        plugin = new MemcachedServicePlugin(config());
        ServiceInstance first = plugin.provision("first", "free", Map.of());
        ServiceInstance second = plugin.provision("second", "free", Map.of());
        ServiceCredentials a = plugin.bind(first, new ServiceBinding("binding-a", "app-guid", 20001));
        ServiceCredentials b = plugin.bind(second, new ServiceBinding("binding-b", "app-guid", 20001));

        MemcachedClient clientA = connect(a);
        MemcachedClient clientB = connect(b);
        try {
            assertTrue(clientA.set("greeting", 60, "hello").get());
            assertEquals("hello", clientA.get("greeting"));
            assertNull(clientB.get("greeting"), "the second instance must not see the first one's data");
        } finally {
            clientA.shutdown();
            clientB.shutdown();
        }
        assertEquals("memcached://127.0.0.1:" + a.port(), a.uri());
        assertTrue(plugin.health().up());
    }

    @Test
    void serversComeBackAfterANodeRestart() throws Exception {
        plugin = new MemcachedServicePlugin(config());
        ServiceInstance instance = plugin.provision("kept", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        plugin.deactivate();
        assertFalse(accepts(credentials));

        plugin = new MemcachedServicePlugin(config());

        assertTrue(accepts(plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001))));
    }

    @Test
    void deprovisionStopsTheServerAndDeletesItsDirectory() throws Exception {
        plugin = new MemcachedServicePlugin(config());
        ServiceInstance instance = plugin.provision("gone", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        assertTrue(accepts(credentials));

        plugin.unbind(instance, new ServiceBinding("b", "app-guid", 20001));
        plugin.deprovision(instance);

        assertFalse(accepts(credentials));
        assertFalse(Files.exists(dataDir.resolve("instances/gone")));
        assertThrows(ServiceException.class, () -> plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001)));
    }

    private static boolean accepts(ServiceCredentials credentials) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(credentials.hostname(), credentials.port()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** As root with iptables: only bound apps' uids (and the node) reach an instance's port; unbind takes it away. */
    @Test
    void onlyTheUidsOfBoundAppsMayConnect() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.strato.api.service.process.ServerUser.nodeIsRoot()
                && Files.isExecutable(Path.of("/usr/sbin/iptables")), "needs root and iptables");
        plugin = new MemcachedServicePlugin(config());
        ServiceInstance instance = plugin.provision("guarded", "free", Map.of());
        ServiceInstance other = plugin.provision("other", "free", Map.of());
        int port = plugin.bind(instance, new ServiceBinding("a", "app-a", 40071)).port();
        plugin.bind(instance, new ServiceBinding("b", "app-b", 40072));
        plugin.bind(instance, new ServiceBinding("c1", "app-c", 40073));
        plugin.bind(instance, new ServiceBinding("c2", "app-c", 40073));
        int otherPort = plugin.bind(other, new ServiceBinding("o", "app-o", 40074)).port();

        assertTrue(connectsAs(40071, port), "a bound app's uid connects");
        assertFalse(connectsAs(40077, port), "an unbound uid is refused");
        assertFalse(connectsAs(40074, port), "an app bound to another instance is refused");
        assertTrue(connectsAs(40074, otherPort));
        assertTrue(new Socket("127.0.0.1", port).isConnected(), "the node itself connects");
        String address = java.net.InetAddress.getLocalHost().getHostAddress();
        if (!address.startsWith("127.")) {
            assertFalse(connectsAs(40077, address, port), "refused over the node's own address too, when the server listens there");
        }

        plugin.unbind(instance, new ServiceBinding("a", "app-a", 40071));
        assertFalse(connectsAs(40071, port), "refused again after unbind");
        assertTrue(connectsAs(40072, port), "the other binding keeps working");
        plugin.unbind(instance, new ServiceBinding("c1", "app-c", 40073));
        assertTrue(connectsAs(40073, port), "the same app's other binding still grants its uid");

        plugin.deactivate();
        String chains = new String(new ProcessBuilder("iptables", "-w", "-S").start().getInputStream().readAllBytes());
        assertFalse(chains.contains(io.strato.api.net.PortGuard.serviceChain("memcached", dataDir.toString())), "stopping the plugin removes its rules: " + chains);
        plugin = new MemcachedServicePlugin(config());
        assertTrue(connectsAs(40072, port), "rules come back from the stored bindings");
        assertFalse(connectsAs(40071, port));
        assertFalse(connectsAs(40077, port));

        plugin.deprovision(instance);
        plugin.deprovision(other);
        chains = new String(new ProcessBuilder("iptables", "-w", "-S").start().getInputStream().readAllBytes());
        assertFalse(chains.contains("--dport " + port + " "), "deprovision removes the port's rules: " + chains);
    }

    private static boolean connectsAs(int uid, int port) throws Exception {
        return connectsAs(uid, "127.0.0.1", port);
    }

    /** Whether a process running as {@code uid} can open a TCP connection to host:port. */
    private static boolean connectsAs(int uid, String host, int port) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--",
                "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
