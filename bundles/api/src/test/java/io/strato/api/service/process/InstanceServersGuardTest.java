package io.strato.api.service.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.net.FakeIptables;
import io.strato.api.net.PortGuard;
import io.strato.api.service.ServiceBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Port rules of instance servers, against a fake iptables: what the rules say, not that the kernel enforces them. */
class InstanceServersGuardTest {

    @TempDir
    Path dir;

    private final FakeIptables iptables = new FakeIptables();
    private InstanceServers servers;

    @AfterEach
    void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    private InstanceServers guarded() throws Exception {
        InstanceServers s = new InstanceServers("test server", dir.resolve("instances"), new PortAllocator("127.0.0.1", 29200, 29299),
                Duration.ofSeconds(20), (data, instance) -> TinyServer.command(instance.port()));
        s.guardPorts(PortGuard.open("STRATO-TEST", iptables));
        s.startAll();
        return s;
    }

    private List<List<String>> rules(int port, Integer... uids) throws Exception {
        Set<Integer> allowed = new java.util.TreeSet<>(List.of(uids));
        allowed.add(PortGuard.nodeUid());
        return PortGuard.onlyUidsMayConnect(Map.of(port, allowed));
    }

    @Test
    void onlyBoundUidsAndTheNodeMayConnectAndTheRulesOutliveARestart() throws Exception {
        servers = guarded();
        InstanceServer a = servers.create("a", Map.of());
        assertEquals(rules(a.port()), iptables.effective("STRATO-TEST"), "a new instance is closed to all but the node");

        servers.grant("a", new ServiceBinding("b1", "app-1", 20001));
        servers.grant("a", new ServiceBinding("b2", "app-2", 20002));
        servers.grant("a", new ServiceBinding("b3", "app-2", 20002));
        servers.grant("a", new ServiceBinding("old", "", ServiceBinding.UNKNOWN_UID));
        assertEquals(rules(a.port(), 20001, 20002), iptables.effective("STRATO-TEST"));

        servers.revoke("a", new ServiceBinding("b1", "app-1", 20001));
        servers.revoke("a", new ServiceBinding("b2", "app-2", 20002));
        assertEquals(rules(a.port(), 20002), iptables.effective("STRATO-TEST"), "b3 still grants uid 20002");
        assertEquals(Set.of(20002), servers.grantedUids("a"));

        servers.close();
        assertEquals(Set.of("OUTPUT"), iptables.chains.keySet(), "closing removes the chain");
        servers = guarded();
        assertEquals(rules(a.port(), 20002), iptables.effective("STRATO-TEST"), "rebuilt from the stored bindings");

        servers.delete("a");
        assertEquals(List.of(), iptables.effective("STRATO-TEST"), "a deleted instance's port has no rules left");
    }

    @Test
    void serversWriteOnlyTheirDataDirectoryAndOldLayoutsMoveIntoIt() throws Exception {
        servers = guarded();
        servers.create("kept", Map.of());
        Path instance = dir.resolve("instances/kept");
        assertTrue(Files.isDirectory(instance.resolve("data")));
        servers.close();
        // an instance as an earlier version laid it out: the server's files beside instance.properties
        Files.delete(instance.resolve("data"));
        Files.writeString(instance.resolve("appendonly.aof"), "old data");
        servers = guarded();
        assertEquals("old data", Files.readString(instance.resolve("data/appendonly.aof")));
        assertFalse(Files.exists(instance.resolve("appendonly.aof")));
        assertTrue(Files.exists(instance.resolve("instance.properties")), "the node's files stay where they were");
    }
}
