package io.strato.api.service.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.service.ServiceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceServersTest {

    @TempDir
    Path dir;

    private InstanceServers servers;

    @AfterEach
    void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    private InstanceServers testServers(InstanceServers.ServerCommand command) {
        return new InstanceServers("test server", dir.resolve("instances"), new PortAllocator("127.0.0.1", 29100, 29199),
                Duration.ofSeconds(20), command);
    }

    private static List<String> tinyServer(Path instanceDir, InstanceServer instance) {
        return TinyServer.command(instance.port());
    }

    @Test
    void eachInstanceGetsItsOwnPortDirectoryAndServerThatComeBackAfterARestart() throws Exception {
        servers = testServers(InstanceServersTest::tinyServer);
        InstanceServer a = servers.create("a", Map.of("password", "secret"));
        InstanceServer b = servers.create("b", Map.of());
        assertNotEquals(a.port(), b.port());
        assertTrue(accepts(a.port()));
        assertEquals("secret", servers.find("a").orElseThrow().fact("password"));

        servers.close();
        assertFalse(accepts(a.port()));
        servers = testServers(InstanceServersTest::tinyServer);
        servers.startAll();

        assertTrue(accepts(a.port()));
        assertTrue(accepts(b.port()));
        assertEquals(List.of(), servers.notAnswering());
    }

    @Test
    void deleteStopsTheServerAndRemovesTheDirectory() throws Exception {
        servers = testServers(InstanceServersTest::tinyServer);
        InstanceServer a = servers.create("a", Map.of());

        servers.delete("a");

        assertFalse(accepts(a.port()));
        assertFalse(Files.exists(dir.resolve("instances/a")));
        assertTrue(servers.find("a").isEmpty());
    }

    @Test
    void aServerThatDoesNotStartLeavesNothingBehind() {
        servers = testServers((d, instance) -> List.of("sh", "-c", "echo no such option >&2; exit 2"));

        ServiceException e = assertThrows(ServiceException.class, () -> servers.create("broken", Map.of()));

        assertTrue(e.getMessage().contains("exit 2"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("instances/broken")));
    }

    @Test
    void idsThatCouldLeaveTheInstancesDirectoryAreRefused() {
        servers = testServers(InstanceServersTest::tinyServer);
        assertThrows(ServiceException.class, () -> servers.create("../escape", Map.of()));
        assertThrows(ServiceException.class, () -> servers.find("a/../../b"));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
