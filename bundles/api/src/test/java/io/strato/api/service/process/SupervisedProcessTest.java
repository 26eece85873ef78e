package io.strato.api.service.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisedProcessTest {

    @TempDir
    Path dir;

    private SupervisedProcess server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    /** A shell that runs a tiny server as its child, so stopping has a process tree to take down. */
    private ProcessSpec httpServer(int port) {
        return new ProcessSpec("test server", TinyServer.underShell(port),
                dir, dir.resolve("logs/server.log"), Map.of(), "127.0.0.1", port, Duration.ofSeconds(20));
    }

    private int freePort() throws IOException {
        return new PortAllocator("127.0.0.1", 20000, 30000).allocate(Set.of());
    }

    @Test
    void startWaitsUntilThePortListensAndStopTakesDownTheWholeTree() throws Exception {
        server = new SupervisedProcess(httpServer(freePort()));
        server.start();
        assertTrue(server.listening());
        List<ProcessHandle> tree = ProcessHandle.of(server.pid()).orElseThrow().descendants().toList();
        assertFalse(tree.isEmpty());

        server.stop();

        assertFalse(server.isAlive());
        assertFalse(server.listening());
        tree.forEach(child -> assertFalse(child.isAlive(), "child " + child.pid() + " survived stop"));
    }

    @Test
    void aServerThatDiesIsRestarted() throws Exception {
        server = new SupervisedProcess(httpServer(freePort()));
        server.start();
        long firstPid = server.pid();
        ProcessHandle.of(firstPid).orElseThrow().descendants().forEach(ProcessHandle::destroyForcibly);

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!(server.restarts() == 1 && server.listening()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, server.restarts());
        assertTrue(server.listening());
        assertNotEquals(firstPid, server.pid());
    }

    @Test
    void aServerThatExitsAtOnceFailsWithItsLogFile() {
        ProcessSpec failing = new ProcessSpec("broken server", List.of("sh", "-c", "echo cannot open config; exit 3"), dir,
                dir.resolve("broken.log"), Map.of(), "127.0.0.1", 1, Duration.ofSeconds(10));
        server = new SupervisedProcess(failing);

        IOException e = assertThrows(IOException.class, server::start);

        assertTrue(e.getMessage().contains("exit 3"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("broken.log").toString()), e.getMessage());
        assertFalse(server.isAlive());
    }

    @Test
    void portsInUseOrTakenAreSkipped() throws Exception {
        int port = freePort();
        PortAllocator allocator = new PortAllocator("127.0.0.1", port, port + 50);
        try (java.net.ServerSocket busy = new java.net.ServerSocket(port + 1, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port + 2, allocator.allocate(Set.of(port)));
        }
        assertThrows(IOException.class, () -> new PortAllocator("127.0.0.1", port, port).allocate(Set.of(port)));
    }
}
