package io.strato.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PortGuardTest {

    @Test
    void rulesLetOnlyTheListedUidsConnect() {
        assertEquals(List.of(
                        List.of("-p", "tcp", "--syn", "-m", "addrtype", "--dst-type", "LOCAL", "--dport", "5000",
                                "-m", "owner", "--uid-owner", "0", "-j", "ACCEPT"),
                        List.of("-p", "tcp", "--syn", "-m", "addrtype", "--dst-type", "LOCAL", "--dport", "5000",
                                "-m", "owner", "--uid-owner", "20001", "-j", "ACCEPT"),
                        List.of("-p", "tcp", "--syn", "-m", "addrtype", "--dst-type", "LOCAL", "--dport", "5000",
                                "-j", "REJECT", "--reject-with", "tcp-reset"),
                        List.of("-p", "tcp", "--syn", "-m", "addrtype", "--dst-type", "LOCAL", "--dport", "6000",
                                "-j", "REJECT", "--reject-with", "tcp-reset")),
                PortGuard.onlyUidsMayConnect(Map.of(6000, Set.of(), 5000, List.of(20001, 0, 20001))));
        assertThrows(IllegalArgumentException.class, () -> PortGuard.onlyUidsMayConnect(Map.of(0, Set.of(1))));
        assertThrows(IllegalArgumentException.class, () -> PortGuard.onlyUidsMayConnect(Map.of(80, Set.of(-1))));
    }

    @Test
    void theChainIsJumpedToFromOutputAndItsRulesAreReplacedAsAWhole() throws IOException {
        FakeIptables ipt = new FakeIptables();
        PortGuard guard = PortGuard.open("STRATO-T", ipt);
        assertTrue(guard.active());
        assertEquals(List.of(List.of("-j", "STRATO-T")), ipt.chains.get("OUTPUT"));
        assertEquals(List.of(), ipt.chains.get("STRATO-T"), "no rules until the first replace");

        List<List<String>> first = PortGuard.onlyUidsMayConnect(Map.of(5000, Set.of(20001)));
        guard.replace(first);
        assertEquals(first, ipt.effective("STRATO-T"));

        List<List<String>> second = PortGuard.onlyUidsMayConnect(Map.of(5000, Set.of(20002), 5001, Set.of()));
        guard.replace(second);
        assertEquals(second, ipt.effective("STRATO-T"));
        assertEquals(Set.of("OUTPUT", "STRATO-T", "STRATO-T-2"), ipt.chains.keySet(), "the old generation is gone");
        int rewrites = (int) ipt.calls.stream().filter(c -> c.get(0).equals("-R")).count();
        assertEquals(1, rewrites, "the second replace swaps the one jump");

        guard.close();
        assertEquals(Map.of("OUTPUT", List.of()), ipt.chains);
    }

    @Test
    void aRefusedRuleKeepsThePreviousRules() throws IOException {
        FakeIptables ipt = new FakeIptables();
        PortGuard guard = PortGuard.open("STRATO-T", ipt);
        List<List<String>> first = PortGuard.onlyUidsMayConnect(Map.of(5000, Set.of(20001)));
        guard.replace(first);
        ipt.failOn = "20666";
        assertThrows(IOException.class, () -> guard.replace(PortGuard.onlyUidsMayConnect(Map.of(5000, Set.of(20666)))));
        assertEquals(first, ipt.effective("STRATO-T"));
        ipt.failOn = null;
        guard.replace(List.of());
        assertEquals(List.of(), ipt.effective("STRATO-T"));
        guard.close();
    }

    @Test
    void openingTakesOverAChainAKilledNodeLeftBehind() throws IOException {
        FakeIptables ipt = new FakeIptables();
        PortGuard.open("STRATO-T", ipt).replace(PortGuard.onlyUidsMayConnect(Map.of(5000, Set.of(1))));
        // no close: the node was killed
        PortGuard again = PortGuard.open("STRATO-T", ipt);
        assertEquals(List.of(List.of("-j", "STRATO-T")), ipt.chains.get("OUTPUT"), "one jump, not two");
        assertEquals(Set.of("OUTPUT", "STRATO-T"), ipt.chains.keySet());
        again.close();
        assertEquals(Set.of("OUTPUT"), ipt.chains.keySet());
    }

    @Test
    void chainNamesFitIptables() {
        String name = PortGuard.serviceChain("memcached", "/var/lib/strato/data/strato/services/memcached");
        assertTrue(name.matches("STRATO-SVC-MEMCACHED-[0-9a-f]{4}"), name);
        assertTrue(PortGuard.serviceChain("a-very-long-service-label", "x").length() <= 26);
        assertThrows(IllegalArgumentException.class, () -> PortGuard.open("bad name", new FakeIptables()));
        assertThrows(IllegalArgumentException.class, () -> PortGuard.open("X".repeat(27), new FakeIptables()));
    }

    /**
     * As root with iptables: a uid that is not listed meets a refused connection, on loopback and the node's address.
     * Uids outside the apps' range, so other chains on the machine (a DEA's egress rules) do not interfere.
     */
    @Test
    void realIptablesRefusesAnUnlistedUid() throws Exception {
        assumeTrue(PortGuard.nodeUid() == 0 && Files.isExecutable(Path.of("/usr/sbin/iptables")), "needs root and iptables");
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(0));
            int port = server.getLocalPort();
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        s.getOutputStream().write('x');
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String own = nodeAddress();
            PortGuard guard = PortGuard.open("STRATO-TEST-" + port);
            try {
                assertTrue(guard.active());
                guard.replace(PortGuard.onlyUidsMayConnect(Map.of(port, Set.of(0, 40078))));
                for (String host : own == null ? List.of("127.0.0.1") : List.of("127.0.0.1", own)) {
                    assertFalse(connectsAs(40077, host, port), "uid 40077 is refused on " + host);
                    assertTrue(connectsAs(40078, host, port), "uid 40078 connects on " + host);
                    try (Socket s = new Socket(host, port)) {
                        assertEquals('x', s.getInputStream().read(), "the node still connects");
                    }
                }
            } finally {
                guard.close();
            }
            assertTrue(connectsAs(40077, "127.0.0.1", port), "no rule is left after close");
            assertFalse(run(List.of("iptables", "-w", "-S", "OUTPUT")).contains("STRATO-TEST-" + port));
        }
    }

    /** Whether a process running as {@code uid} can open a TCP connection to host:port. */
    static boolean connectsAs(int uid, String host, int port) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--",
                "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return p.exitValue() == 0;
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static String nodeAddress() throws IOException {
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(i.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof java.net.Inet4Address) {
                    return a.getHostAddress();
                }
            }
        }
        return null;
    }
}
