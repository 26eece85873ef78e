package io.strato.itests;

import org.junit.After;
import org.junit.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * Two assembled nodes as separate processes on 127.0.0.1: attach, one primary per cluster, and taking
 * the primary role over when the primary is killed; and cluster trust: a wrong secret is refused, a rogue
 * Hazelcast member that knows everything an app could read can neither read nor forge cluster state,
 * nothing derived from the secret is logged, and platform files are closed to other users.
 */
public class ClusterIT {

    private static final Path WORK = Path.of("target", "nodes");
    private final List<StratoNode> nodes = new ArrayList<>();

    @After
    public void stopNodes() throws Exception {
        for (StratoNode n : nodes) {
            n.close();
            ClusterTrust.removePortRules(n.clusterPort); // a killed node leaves its iptables chain behind
        }
    }

    private StratoNode node(String name, int slot) throws Exception {
        StratoNode n = new StratoNode(name, slot, WORK);
        nodes.add(n);
        return n;
    }

    @Test
    public void twoNodesShareOnePrimaryAndTheSurvivorTakesOver() throws Exception {
        long t0 = System.nanoTime();
        StratoNode node1 = node("node-1", 1).start();
        StratoNode node2 = node("node-2", 2).start();
        StratoNode.awaitAllReady(List.of(node1, node2));
        System.out.printf("[ClusterIT] both nodes READY after %.1f s%n", StratoNode.secondsSince(t0));

        String added = node1.shell("kato:role-add primary");
        assertTrue(added, added.contains("Added roles: primary"));
        String secret = node1.shell("kato:cluster-secret").trim();
        long clientStarted = System.nanoTime();
        String ownSecret = node2.shell("kato:cluster-secret").trim();
        double clientOverhead = StratoNode.secondsSince(clientStarted); // starting bin/client, not the node's work

        // a wrong secret is refused at once, and the node keeps its own secret and stays ready
        String wrongSecret = "not-the-cluster-secret-0123456789";
        long attachStarted = System.nanoTime();
        String refused0 = node2.shell("kato:node-attach --secret " + wrongSecret + " 127.0.0.1:" + node1.clusterPort);
        double refusedAfter = StratoNode.secondsSince(attachStarted);
        System.out.printf("[ClusterIT] wrong secret refused after %.1f s (a shell command alone takes %.1f s)%n", refusedAfter, clientOverhead);
        assertTrue(refused0, refused0.contains("wrong cluster secret"));
        assertTrue("refused after " + refusedAfter + " s", refusedAfter - clientOverhead < 10);
        assertEquals(ownSecret, node2.shell("kato:cluster-secret").trim());
        node2.awaitReady(Duration.ofSeconds(180));
        // nothing listens at the address: said at once, and nothing changes
        attachStarted = System.nanoTime();
        String nobody = node2.shell("kato:node-attach --secret " + secret + " 127.0.0.1:" + (node1.clusterPort + 90));
        assertTrue(nobody, nobody.contains("no node answers at 127.0.0.1:" + (node1.clusterPort + 90)));
        assertTrue("answered after " + StratoNode.secondsSince(attachStarted) + " s", StratoNode.secondsSince(attachStarted) - clientOverhead < 5);
        assertEquals(ownSecret, node2.shell("kato:cluster-secret").trim());

        String attach = node2.shell("kato:node-attach --secret " + secret + " 127.0.0.1:" + node1.clusterPort);
        assertTrue(attach, attach.contains("Attached to cluster strato (primary: node-1"));

        for (StratoNode n : List.of(node1, node2)) {
            String status = n.awaitShell("kato:status", s -> s.contains("2 node(s)"), Duration.ofSeconds(30));
            assertTrue(status, status.matches("(?s).*node-1\\s*\\|\\s*127\\.0\\.0\\.1\\s*\\|\\s*yes\\s*\\|\\s*base, primary.*"));
            assertTrue(status, status.matches("(?s).*node-2\\s*\\|\\s*127\\.0\\.0\\.1\\s*\\|\\s*\\|\\s*base\\s.*"));
        }

        ClusterTrust.rogueMemberCanNeitherReadNorForge(node1, node2);
        ClusterTrust.platformFilesAreClosedToOtherUsers(node1);

        // a second primary is refused, through kato and through feature:install alike
        String refused = node2.shell("kato:role-add primary");
        assertTrue(refused, refused.contains("node node-1 is already the primary of cluster strato"));
        String featureInstall = node2.shell("feature:install strato-role-primary");
        assertTrue(featureInstall, featureInstall.contains("node node-1 is already the primary of cluster strato"));
        node2.awaitShell("feature:list -i", s -> !s.contains("strato-role-primary"), Duration.ofSeconds(30));
        assertTrue(node2.log().contains("Role primary refused: node node-1 is already the primary of cluster strato"));
        assertTrue(node2.shell("kato:status").contains("WARNING: role primary was refused: node node-1 is already the primary"));
        assertTrue(node1.shell("kato:status").contains("primary: node-1"));

        // the primary dies: the survivor says so, then takes the role
        long killedAt = System.nanoTime();
        node1.kill();
        String lost = node2.awaitShell("kato:status", s -> s.contains("the primary node node-1 is gone"), Duration.ofSeconds(60));
        System.out.printf("[ClusterIT] lost primary reported %.1f s after kill -9%n", StratoNode.secondsSince(killedAt));
        assertTrue(lost, lost.contains("primary: none"));
        // a lost primary may only be paused or cut off: taking its role needs --force
        String unforced = node2.shell("kato:role-add primary");
        assertTrue(unforced, unforced.contains("node node-1 holds the primary role of cluster strato but has not been heard from")
                && unforced.contains("kato:role-add --force primary"));
        String takeOver = node2.shell("kato:role-add --force primary");
        assertTrue(takeOver, takeOver.contains("Added roles: primary"));
        String after = node2.shell("kato:status");
        assertTrue(after, after.contains("primary: node-2"));
        assertFalse(after, after.contains("is gone"));
        ClusterTrust.nothingDerivedFromTheSecretIsLogged(List.of(node1, node2), List.of(secret, ownSecret, wrongSecret));
        System.out.printf("[ClusterIT] whole scenario %.1f s%n", StratoNode.secondsSince(t0));
    }

    @Test
    public void clusterConfigurationSurvivesKillAndRestartOfThePrimary() throws Exception {
        StratoNode node = node("solo", 3).start();
        node.awaitReady(Duration.ofSeconds(180));
        assertEquals(-1, node.shell("kato:role-remove base").indexOf("Removed"));
        assertTrue(node.shell("kato:role-remove base").contains("the base role is mandatory on every node and cannot be removed"));
        node.shell("kato:role-add primary");
        String changed = node.shell("kato:cluster-config --name prod-east --domain apps.example.test");
        assertTrue(changed, changed.contains("App domain:   apps.example.test"));
        String secret = node.shell("kato:cluster-secret").trim();

        node.kill();
        node.start();
        node.awaitReady(Duration.ofSeconds(180));
        String status = node.awaitShell("kato:status", s -> s.contains("primary: solo"), Duration.ofSeconds(60));
        assertTrue(status, status.contains("Cluster prod-east") && status.contains("app domain: apps.example.test"));
        assertEquals(secret, node.shell("kato:cluster-secret").trim());

        // base is restored when its feature is uninstalled behind kato's back
        String uninstalled = node.shell("feature:uninstall strato-role-base");
        assertTrue(uninstalled, uninstalled.contains("the base role is mandatory on every node: strato-role-base is being installed again"));
        node.awaitShell("kato:role-list", s -> s.matches("(?s).*base\\s*\\|\\s*yes\\s*\\|\\s*ACTIVE.*"), Duration.ofSeconds(30));
    }
}
