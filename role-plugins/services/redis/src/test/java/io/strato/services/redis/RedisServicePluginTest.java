package io.strato.services.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.files.FileTrees;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

class RedisServicePluginTest {

    /** Under target/ rather than a @TempDir: /tmp/junit* is private to root, and the servers run as strato-redis. */
    private final Path dataDir = Path.of("target", "redis-test-" + System.nanoTime()).toAbsolutePath();

    private RedisServicePlugin plugin;

    @AfterEach
    void stopServers() throws IOException {
        if (plugin != null) {
            plugin.deactivate();
        }
        FileTrees.delete(dataDir);
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
            public String runAs() { return ""; }
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
        assertEquals(Map.of("uri", "redis://b-binding-a:" + a.password() + "@127.0.0.1:" + a.port(), "name", "first",
                "hostname", "127.0.0.1", "host", "127.0.0.1", "port", a.port(),
                "username", "b-binding-a", "user", "b-binding-a", "password", a.password()), a.toMap());

        try (Jedis wrongPassword = new Jedis("127.0.0.1", b.port())) {
            assertThrows(JedisDataException.class, () -> wrongPassword.auth(a.password()));
            assertThrows(JedisDataException.class, () -> wrongPassword.auth("b-binding-a", a.password()));
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

    @Test
    void eachBindingIsItsOwnUserAndUnbindRevokesOnlyIt() throws Exception {
        plugin = new RedisServicePlugin(config());
        ServiceInstance instance = plugin.provision("shared", "free", Map.of());
        ServiceCredentials a = plugin.bind(instance, new ServiceBinding("ba", "app-a", 20001));
        ServiceCredentials b = plugin.bind(instance, new ServiceBinding("bb", "app-b", 20002));
        assertNotEquals(a.password(), b.password());
        Jedis openA = connect(a);
        openA.set("k", "from a");
        try (Jedis jedisB = connect(b)) {
            assertEquals("from a", jedisB.get("k"), "bindings of one instance share its data");
            assertThrows(JedisDataException.class, () -> jedisB.sendCommand(redis.clients.jedis.Protocol.Command.ACL, "LIST"),
                    "a binding cannot list the other users");
            assertThrows(JedisDataException.class, () -> jedisB.configSet("dir", "/tmp"), "nor change the server's files");
            assertThrows(JedisDataException.class, () -> jedisB.auth("default", a.password()), "its password is not the admin's");
        }

        plugin.unbind(instance, new ServiceBinding("ba", "app-a", 20001));

        assertThrows(JedisConnectionException.class, () -> openA.get("k"), "the binding's open connection is closed");
        openA.close();
        assertThrows(JedisDataException.class, () -> connect(a).get("k"), "its password no longer works");
        try (Jedis jedisB = connect(b)) {
            assertEquals("from a", jedisB.get("k"), "the other binding keeps working");
        }

        plugin.deactivate();
        plugin = new RedisServicePlugin(config());
        assertThrows(JedisDataException.class, () -> connect(a).get("k"), "not even after a restart");
        try (Jedis jedisB = connect(b)) {
            assertEquals("from a", jedisB.get("k"), "the users survive a restart");
        }
    }

    @Test
    void theServerRunsAsItsOwnUserAndNoOtherUidCanReadItsFiles() throws Exception {
        if (!io.strato.api.service.process.ServerUser.nodeIsRoot()) {
            return;
        }
        plugin = new RedisServicePlugin(config());
        ServiceInstance instance = plugin.provision("owned", "free", Map.of());
        plugin.bind(instance, new ServiceBinding("bo", "app-o", 20001));
        Path data = dataDir.resolve("instances/owned/data");
        assertEquals("strato-redis", Files.getOwner(data).getName());
        assertEquals("strato-redis", Files.getOwner(data.resolve("users.acl")).getName());
        for (String file : List.of("data/users.acl", "data/redis.conf", "instance.properties", "server.log")) {
            Path path = dataDir.resolve("instances/owned").resolve(file);
            assertTrue(Files.exists(path), path.toString());
            assertNotEquals(0, runAs(20077, "cat " + path), "an app uid cannot read " + file);
        }
        assertNotEquals(0, runAs(20077, "ls " + dataDir.resolve("instances")), "nor list the instances");
    }

    /** An instance from before per-binding users: its bindings shared the admin's password, which must stop working. */
    @Test
    void theSharedPasswordOfAnInstanceFromBeforeStopsWorking() throws Exception {
        plugin = new RedisServicePlugin(config());
        ServiceInstance instance = plugin.provision("legacy", "free", Map.of());
        int port = plugin.bind(instance, new ServiceBinding("bl", "app-l", 20001)).port();
        plugin.deactivate();
        Path facts = dataDir.resolve("instances/legacy/instance.properties");
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader in = Files.newBufferedReader(facts)) {
            p.load(in);
        }
        String shared = p.getProperty("password");
        p.remove("acl");
        try (java.io.Writer out = Files.newBufferedWriter(facts)) {
            p.store(out, null);
        }

        plugin = new RedisServicePlugin(config());

        try (Jedis old = new Jedis("127.0.0.1", port)) {
            assertThrows(JedisDataException.class, () -> old.auth(shared), "the password every binding knew is gone");
        }
        try (Jedis jedis = connect(plugin.bind(instance, new ServiceBinding("bn", "app-l", 20001)))) {
            assertEquals("PONG", jedis.ping(), "binding again works");
        }
    }

    /** Exit status of a bash command run as {@code uid}. */
    static int runAs(int uid, String command) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--", "bash", "-c", command)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
