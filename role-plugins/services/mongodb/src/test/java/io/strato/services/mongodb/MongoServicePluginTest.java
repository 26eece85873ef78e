package io.strato.services.mongodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
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
import org.junit.jupiter.api.io.TempDir;

class MongoServicePluginTest {

    @TempDir
    Path dataDir;

    private MongoServicePlugin plugin;

    @AfterEach
    void stopServers() {
        if (plugin != null) {
            plugin.deactivate();
        }
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
                .filter(p -> instanceDir.equals(workingDirectory(p)))
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
}
