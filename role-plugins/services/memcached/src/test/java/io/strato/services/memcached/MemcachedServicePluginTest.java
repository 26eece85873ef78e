package io.strato.services.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.io.TempDir;

class MemcachedServicePluginTest {

    @TempDir
    Path dataDir;

    private MemcachedServicePlugin plugin;

    @AfterEach
    void stopServers() {
        if (plugin != null) {
            plugin.deactivate();
        }
    }

    private MemcachedServicePlugin.Config config() {
        return new MemcachedServicePlugin.Config() {
            public String dataDir() { return dataDir.toString(); }
            public String host() { return "127.0.0.1"; }
            public int portFirst() { return 28100; }
            public int portLast() { return 28199; }
            public String serverBinary() { return "/usr/bin/memcached"; }
            public int memoryMb() { return 16; }
            public String runAs() { return "nobody"; }
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
}
