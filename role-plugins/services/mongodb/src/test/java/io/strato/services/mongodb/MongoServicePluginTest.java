package io.strato.services.mongodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.strato.api.files.FileTrees;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceInstance;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MongoServicePluginTest {

    /** Under target/ rather than a @TempDir: /tmp/junit* is private to root, and the servers run as strato-mongodb. */
    private final Path dataDir = Path.of("target", "mongodb-test-" + System.nanoTime()).toAbsolutePath();

    private MongoServicePlugin plugin;

    @AfterEach
    void stopServers() throws IOException {
        if (plugin != null) {
            plugin.deactivate();
        }
        FileTrees.delete(dataDir);
    }

    private MongoServicePlugin.Config config() {
        return new MongoServicePlugin.Config() {
            public String dataDir() { return dataDir.toString(); }
            public String host() { return "127.0.0.1"; }
            public int portFirst() { return 27300; }
            public int portLast() { return 27399; }
            public String javaBinary() { return ""; }
            public int heapMb() { return 64; }
            public int startTimeoutSeconds() { return 30; }
            public String runAs() { return ""; }
            public Class<? extends Annotation> annotationType() { return MongoServicePlugin.Config.class; }
        };
    }

    private static MongoCollection<Document> things(MongoClient client, ServiceCredentials credentials) {
        return client.getDatabase(credentials.name()).getCollection("things");
    }

    @Test
    void eachInstanceIsItsOwnServerWithItsOwnData() throws Exception {
        plugin = new MongoServicePlugin(config());
        ServiceInstance first = plugin.provision("first", "free", Map.of());
        ServiceInstance second = plugin.provision("second", "free", Map.of());
        ServiceCredentials a = plugin.bind(first, new ServiceBinding("binding-a", "app-guid", 20001));
        ServiceCredentials b = plugin.bind(second, new ServiceBinding("binding-b", "app-guid", 20001));

        assertNotEquals(a.port(), b.port());
        assertEquals(Map.of("uri", "mongodb://127.0.0.1:" + a.port() + "/" + a.name(), "name", a.name(),
                "hostname", "127.0.0.1", "host", "127.0.0.1", "port", a.port(),
                "username", "", "user", "", "password", ""), a.toMap());

        try (MongoClient client = MongoClients.create(a.uri())) {
            things(client, a).insertOne(new Document("greeting", "hello"));
            assertEquals("hello", things(client, a).find().first().getString("greeting"));
        }
        try (MongoClient other = MongoClients.create(b.uri())) {
            assertFalse(other.listDatabaseNames().into(new ArrayList<>()).contains(a.name()));
            assertEquals(0, things(other, a).countDocuments());
        }
        assertTrue(plugin.health().up());
    }

    @Test
    void dataSurvivesARestartOfThePlugin() throws Exception {
        plugin = new MongoServicePlugin(config());
        ServiceInstance instance = plugin.provision("kept", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        try (MongoClient client = MongoClients.create(credentials.uri())) {
            things(client, credentials).insertOne(new Document("k", "v"));
        }
        plugin.deactivate();
        assertRefused(credentials.port());

        plugin = new MongoServicePlugin(config());

        ServiceCredentials again = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        assertEquals(credentials, again);
        try (MongoClient client = MongoClients.create(again.uri())) {
            assertEquals("v", things(client, again).find().first().getString("k"));
        }
    }

    @Test
    void aKilledServerIsRestartedWithItsData() throws Exception {
        plugin = new MongoServicePlugin(config());
        ServiceInstance instance = plugin.provision("crashy", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        try (MongoClient client = MongoClients.create(credentials.uri())) {
            things(client, credentials).insertOne(new Document("k", "v"));
        }
        // H2 commits about once a second; a kill keeps only what it committed
        Thread.sleep(2_000);
        Path instanceDir = dataDir.resolve("instances/crashy").toRealPath();
        ProcessHandle server = ProcessHandle.current().children()
                .filter(p -> instanceDir.equals(workingDirectory(p))
                        || p.info().commandLine().orElse("").contains(instanceDir + "/"))
                .findFirst().orElseThrow();

        server.destroyForcibly();
        server.onExit().get();

        // the driver waits (up to its server selection timeout) for the restarted server
        try (MongoClient client = MongoClients.create(credentials.uri())) {
            assertEquals("v", things(client, credentials).find().first().getString("k"));
        }
    }

    private static Path workingDirectory(ProcessHandle process) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd"));
        } catch (IOException gone) {
            return null;
        }
    }

    @Test
    void deprovisionStopsTheServerAndDeletesItsData() throws Exception {
        plugin = new MongoServicePlugin(config());
        ServiceInstance instance = plugin.provision("gone", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        try (MongoClient client = MongoClients.create(credentials.uri())) {
            things(client, credentials).insertOne(new Document("k", "v"));
        }

        plugin.unbind(instance, new ServiceBinding("b", "app-guid", 20001));
        plugin.deprovision(instance);

        assertRefused(credentials.port());
        assertFalse(Files.exists(dataDir.resolve("instances/gone")));
        assertThrows(ServiceException.class, () -> plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001)));
    }

    @Test
    void idsThatCouldLeaveTheDataDirectoryAreRefused() {
        plugin = new MongoServicePlugin(config());
        assertThrows(ServiceException.class, () -> plugin.provision("../escape", "free", Map.of()));
    }

    private static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    /** As root with iptables: only bound apps' uids (and the node) reach an instance's port; unbind takes it away. */
    @Test
    void onlyTheUidsOfBoundAppsMayConnect() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.strato.api.service.process.ServerUser.nodeIsRoot()
                && Files.isExecutable(Path.of("/usr/sbin/iptables")), "needs root and iptables");
        plugin = new MongoServicePlugin(config());
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
        assertFalse(chains.contains(io.strato.api.net.PortGuard.serviceChain("mongodb", dataDir.toString())), "stopping the plugin removes its rules: " + chains);
        plugin = new MongoServicePlugin(config());
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
