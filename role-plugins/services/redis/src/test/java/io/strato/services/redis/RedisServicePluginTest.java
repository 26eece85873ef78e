package io.strato.services.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceInstance;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

class RedisServicePluginTest {

    @TempDir
    Path dataDir;

    private RedisServicePlugin plugin;

    @AfterEach
    void stopServers() {
        if (plugin != null) {
            plugin.deactivate();
        }
    }

    private RedisServicePlugin.Config config() {
        return new RedisServicePlugin.Config() {
            public String dataDir() { return dataDir.toString(); }
            public String host() { return "127.0.0.1"; }
            public int portFirst() { return 27100; }
            public int portLast() { return 27199; }
            public String serverBinary() { return ""; }
            public int maxMemoryMb() { return 16; }
            public int startTimeoutSeconds() { return 20; }
            public Class<? extends Annotation> annotationType() { return RedisServicePlugin.Config.class; }
        };
    }

    private static Jedis connect(ServiceCredentials credentials) {
        return new Jedis(URI.create(credentials.uri()));
    }

    @Test
    void eachInstanceIsItsOwnServerThatOnlyItsPasswordOpens() throws Exception {
        plugin = new RedisServicePlugin(config());
        ServiceInstance first = plugin.provision("first", "free", Map.of());
        ServiceInstance second = plugin.provision("second", "free", Map.of());
        ServiceCredentials a = plugin.bind(first, new ServiceBinding("binding-a", "app-guid", 20001));
        ServiceCredentials b = plugin.bind(second, new ServiceBinding("binding-b", "app-guid", 20001));

        try (Jedis jedis = connect(a)) {
            jedis.set("greeting", "hello");
            assertEquals("hello", jedis.get("greeting"));
        }
        assertEquals(Map.of("uri", a.uri(), "name", "first", "hostname", "127.0.0.1", "host", "127.0.0.1", "port", a.port(),
                "username", "", "user", "", "password", a.password()), a.toMap());

        try (Jedis wrongPassword = new Jedis("127.0.0.1", b.port())) {
            assertThrows(JedisDataException.class, () -> wrongPassword.auth(a.password()));
            assertThrows(JedisDataException.class, () -> wrongPassword.get("greeting"));
        }
        try (Jedis other = connect(b)) {
            assertEquals(null, other.get("greeting"));
        }
        assertTrue(plugin.health().up());
    }

    @Test
    void dataAndServersSurviveANodeRestart() throws Exception {
        plugin = new RedisServicePlugin(config());
        ServiceInstance instance = plugin.provision("kept", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        try (Jedis jedis = connect(credentials)) {
            jedis.set("k", "v");
        }
        plugin.deactivate();
        assertThrows(JedisConnectionException.class, () -> connect(credentials).ping());

        plugin = new RedisServicePlugin(config());

        try (Jedis jedis = connect(plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001)))) {
            assertEquals("v", jedis.get("k"));
        }
    }

    @Test
    void aKilledServerIsRestartedWithItsData() throws Exception {
        plugin = new RedisServicePlugin(config());
        ServiceInstance instance = plugin.provision("crashy", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        try (Jedis jedis = connect(credentials)) {
            jedis.set("k", "v");
        }
        // redis rewrites its command line, but it runs in its instance's data directory
        Path instanceDir = dataDir.resolve("instances/crashy").toRealPath();
        ProcessHandle server = ProcessHandle.current().children()
                .filter(p -> instanceDir.equals(workingDirectory(p)) || instanceDir.resolve("data").equals(workingDirectory(p)))
                .findFirst().orElseThrow();

        server.destroyForcibly();
        server.onExit().get();

        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String value = null;
        while (value == null && System.nanoTime() < deadline) {
            try (Jedis jedis = connect(credentials)) {
                value = jedis.get("k");
            } catch (JedisConnectionException | JedisDataException notYet) {
                Thread.sleep(200);
            }
        }
        assertEquals("v", value);
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
        plugin = new RedisServicePlugin(config());
        ServiceInstance instance = plugin.provision("gone", "free", Map.of());
        ServiceCredentials credentials = plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001));
        try (Jedis jedis = connect(credentials)) {
            jedis.set("k", "v");
        }

        plugin.unbind(instance, new ServiceBinding("b", "app-guid", 20001));
        plugin.deprovision(instance);

        assertThrows(JedisConnectionException.class, () -> connect(credentials).ping());
        assertFalse(Files.exists(dataDir.resolve("instances/gone")));
        assertThrows(ServiceException.class, () -> plugin.bind(instance, new ServiceBinding("b", "app-guid", 20001)));
    }

    @Test
    void idsThatCouldLeaveTheDataDirectoryAreRefused() {
        plugin = new RedisServicePlugin(config());
        assertThrows(ServiceException.class, () -> plugin.provision("../escape", "free", Map.of()));
    }
}
