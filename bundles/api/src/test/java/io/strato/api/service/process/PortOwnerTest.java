package io.strato.api.service.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PortOwnerTest {

    private static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    @Test
    void findsTheListenerAndWhoHoldsIt() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            int port = server.getLocalPort();
            PortOwner owner = PortOwner.of("127.0.0.1", port).orElseThrow();
            assertEquals(ownUid(), owner.uid());
            assertTrue(owner.heldBy(ProcessHandle.current().pid()));
            PortOwner.requireServer("this test", "127.0.0.1", port, ownUid(), ProcessHandle.current().pid());
            IOException other = assertThrows(IOException.class,
                    () -> PortOwner.requireServer("the test server", "127.0.0.1", port, ownUid() + 1, ProcessHandle.current().pid()));
            assertTrue(other.getMessage().startsWith("another program listens on 127.0.0.1:" + port + ": pid "
                    + ProcessHandle.current().pid()), other.getMessage());
            assertThrows(IOException.class, () -> PortOwner.requireServer("x", "127.0.0.1", port, ownUid(), 999_999_999L),
                    "held by another process than the one started");
        }
    }

    @Test
    void aWildcardListenerCountsForEveryAddress() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(0));
            assertTrue(PortOwner.of("127.0.0.1", server.getLocalPort()).isPresent());
        }
    }

    @Test
    void nothingListeningIsNoOwner() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0)) {
            port = server.getLocalPort();
        }
        assertTrue(PortOwner.of("127.0.0.1", port).isEmpty());
        assertThrows(IOException.class, () -> PortOwner.requireServer("x", "127.0.0.1", port, 0, 1));
    }

    @Test
    void aServerUserIsNeverNobody() throws Exception {
        if (!ServerUser.nodeIsRoot()) {
            assertEquals("", ServerUser.forServer("acmedb", "nobody").name(), "not root: the node's own user");
            return;
        }
        IOException refused = assertThrows(IOException.class, () -> ServerUser.forServer("acmedb", "nobody"));
        assertTrue(refused.getMessage().contains("may not run as nobody"), refused.getMessage());
        assertEquals("strato-acmedb", ServerUser.defaultName("acmedb"));
    }
}
