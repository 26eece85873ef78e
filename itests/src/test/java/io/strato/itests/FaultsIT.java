package io.strato.itests;

import org.junit.After;
import org.junit.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * Three assembled nodes on 127.0.0.1 under a full CPU (nobody is declared gone), a partition (iptables on loopback)
 * and pauses (SIGSTOP of a node's JVM: to the others it looks like a node
 * cut off the network, and to itself like the others vanished): a frozen node comes back into its cluster by
 * itself and never becomes a second primary; a frozen primary whose role another node took over with
 * {@code --force} steps down when it resumes and can no longer change the cluster configuration.
 */
public class FaultsIT {

    private static final Path WORK = Path.of("target", "faults");
    private final List<StratoNode> nodes = new ArrayList<>();

    @After
    public void stopNodes() throws Exception {
        for (StratoNode n : nodes) {
            n.close(); // kill -9 ends a frozen JVM too
        }
    }

    @Test
    public void pausedNodesRejoinAndAPausedPrimaryStepsDown() throws Exception {
        StratoNode node1 = node("node-1", 11);
        StratoNode node2 = node("node-2", 12);
        StratoNode node3 = node("node-3", 13);
        for (StratoNode n : nodes) {
            n.start();
        }
        StratoNode.awaitAllReady(nodes);
        assertTrue(node1.shell("kato:role-add primary").contains("Added roles: primary"));
        String secret = node1.shell("kato:cluster-secret").trim();
        for (StratoNode n : List.of(node2, node3)) {
            String attached = n.shell("kato:node-attach --secret " + secret + " 127.0.0.1:" + node1.clusterPort);
            assertTrue(attached, attached.contains("Attached to cluster strato (primary: node-1"));
        }
        node1.awaitShell("kato:status", s -> s.contains("3 node(s)"), Duration.ofSeconds(60));

        // a full CPU (two busy processes per core, 30 s) is no reason to declare anyone gone
        List<Process> load = new ArrayList<>();
        for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
            load.add(new ProcessBuilder("timeout", "30", "sh", "-c", "while :; do :; done").start());
        }
        long loadedAt = System.nanoTime();
        try {
            while (load.stream().anyMatch(Process::isAlive)) {
                String status = node2.shell("kato:status");
                assertTrue("under CPU load after " + (int) StratoNode.secondsSince(loadedAt) + " s: " + status, status.contains("3 node(s)"));
                Thread.sleep(1000);
            }
        } finally {
            load.forEach(Process::destroyForcibly);
        }
        for (StratoNode n : nodes) {
            assertFalse(n.name + " declared a node gone under load", n.log().contains("is gone from the cluster"));
        }

        // a node frozen for 30 s: the others notice, and once thawed it is back in the cluster by itself
        long frozenAt = System.nanoTime();
        node3.signalJvm("STOP");
        node1.awaitShell("kato:status", s -> s.contains("2 node(s)"), Duration.ofSeconds(60));
        System.out.printf("[FaultsIT] node-3 frozen -> node-1 sees 2 nodes after %.1f s%n", StratoNode.secondsSince(frozenAt));
        sleepUntil(frozenAt, Duration.ofSeconds(30));
        node3.signalJvm("CONT");
        long thawedAt = System.nanoTime();
        node1.awaitShell("kato:status", s -> s.contains("3 node(s)"), Duration.ofSeconds(90));
        String seenBy3 = node3.awaitShell("kato:status", s -> s.contains("3 node(s)") && s.contains("primary: node-1"),
                Duration.ofSeconds(60));
        System.out.printf("[FaultsIT] node-3 thawed after 30 s -> back in the cluster after %.1f s%n", StratoNode.secondsSince(thawedAt));
        assertFalse(seenBy3, seenBy3.contains("has no primary"));
        String second = node3.shell("kato:role-add primary");
        assertTrue(second, second.contains("node node-1 is already the primary of cluster strato"));

        // shorter pauses of node-2: whether or not the others drop it meanwhile, afterwards every node sees all three
        // and the same primary
        for (int seconds : new int[] {3, 15}) {
            long pausedAt = System.nanoTime();
            node2.signalJvm("STOP");
            sleepUntil(pausedAt, Duration.ofSeconds(seconds));
            node2.signalJvm("CONT");
            long resumedAt = System.nanoTime();
            for (StratoNode n : nodes) {
                n.awaitShell("kato:status", s -> s.contains("3 node(s), primary: node-1") && !s.contains("cut off"),
                        Duration.ofSeconds(60));
            }
            System.out.printf("[FaultsIT] node-2 paused %d s -> every node sees all three after %.1f s%n", seconds,
                    StratoNode.secondsSince(resumedAt));
        }

        // node-3 cut off the network for 30 s: the others notice, node-3 knows it is cut off and will not become a
        // primary, and once the network is back it rejoins by itself
        long cutAt = System.nanoTime();
        node3.partition(true);
        node1.awaitShell("kato:status", s -> s.contains("2 node(s)"), Duration.ofSeconds(60));
        System.out.printf("[FaultsIT] node-3 cut off -> node-1 sees 2 nodes after %.1f s%n", StratoNode.secondsSince(cutAt));
        String alone = node3.awaitShell("kato:status", s -> s.contains("this node is cut off from its cluster"), Duration.ofSeconds(60));
        System.out.printf("[FaultsIT] node-3 cut off -> it says so after %.1f s%n", StratoNode.secondsSince(cutAt));
        String cutOffClaim = node3.shell("kato:role-add primary");
        assertFalse(alone + "\n" + cutOffClaim, cutOffClaim.contains("Added roles: primary"));
        sleepUntil(cutAt, Duration.ofSeconds(30));
        node3.partition(false);
        long healedAt = System.nanoTime();
        node1.awaitShell("kato:status", s -> s.contains("3 node(s)"), Duration.ofSeconds(90));
        node3.awaitShell("kato:status", s -> s.contains("3 node(s)") && s.contains("primary: node-1")
                && !s.contains("cut off"), Duration.ofSeconds(60));
        System.out.printf("[FaultsIT] node-3 cut off for 30 s -> back in the cluster after %.1f s%n", StratoNode.secondsSince(healedAt));

        // the primary frozen: node-2 may take its role only with --force
        frozenAt = System.nanoTime();
        node1.signalJvm("STOP");
        node2.awaitShell("kato:status", s -> s.contains("the primary node node-1 is gone"), Duration.ofSeconds(60));
        System.out.printf("[FaultsIT] node-1 (primary) frozen -> reported gone after %.1f s%n", StratoNode.secondsSince(frozenAt));
        String unforced = node2.shell("kato:role-add primary");
        assertTrue(unforced, unforced.contains("It may be paused or cut off rather than gone")
                && unforced.contains("kato:role-add --force primary"));
        String forced = node2.shell("kato:role-add --force primary");
        assertTrue(forced, forced.contains("Added roles: primary"));
        assertTrue(node2.shell("kato:cluster-config --domain apps.example.test").contains("App domain:   apps.example.test"));

        // thawed, the old primary finds the newer epoch, steps down and changes nothing
        node1.signalJvm("CONT");
        thawedAt = System.nanoTime();
        // the status is complete once the node's own record is back (it lapsed while the node was frozen)
        String stepped = node1.awaitShell("kato:status", s -> s.contains("this node stepped down: node node-2 took the primary role")
                && s.contains("primary (REFUSED)"), Duration.ofSeconds(90));
        System.out.printf("[FaultsIT] node-1 thawed -> stepped down after %.1f s%n", StratoNode.secondsSince(thawedAt));
        assertTrue(stepped, stepped.contains("(epoch 2; this node held epoch 1)") && stepped.contains("primary (REFUSED)"));
        String evil = node1.shell("kato:cluster-config --domain evil.example");
        assertTrue(evil, evil.contains("the cluster configuration was not changed: this node stepped down"));
        for (StratoNode n : nodes) {
            String status = n.awaitShell("kato:status", s -> s.contains("3 node(s), primary: node-2, app domain: apps.example.test"),
                    Duration.ofSeconds(60));
            assertFalse(status, status.contains("evil.example"));
        }
        assertTrue(node1.log().contains("Role primary stands by: this node stepped down"));
    }

    private StratoNode node(String name, int slot) throws Exception {
        StratoNode n = new StratoNode(name, slot, WORK);
        nodes.add(n);
        return n;
    }

    private static void sleepUntil(long since, Duration after) throws InterruptedException {
        long left = after.toMillis() - (System.nanoTime() - since) / 1_000_000;
        if (left > 0) {
            Thread.sleep(left);
        }
    }
}
