package io.strato.itests;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

/**
 * Cluster-trust checks on running nodes: what a hostile process on the node's machine (an app, running as
 * its own uid, or anything that can reach the cluster port) can and cannot do.
 */
final class ClusterTrust {

    private static final Pattern GROUP = Pattern.compile("<group>\\s*<name>([^<]*)</name>");
    private static final int OTHER_UID = 20001;

    private ClusterTrust() {
    }

    /**
     * A plain Hazelcast 3.12 member that knows the group name (Hazelcast logs it) joins the cluster: it reads
     * only sealed values, and what it writes (a node record, an app's desired state, a real record copied to
     * another key) is ignored by the nodes and reported in their log.
     */
    static void rogueMemberCanNeitherReadNorForge(StratoNode primary, StratoNode other) throws Exception {
        Matcher m = GROUP.matcher(Files.readString(primary.home.resolve("etc/hazelcast.xml")));
        assertTrue("hazelcast.xml names a group", m.find());
        String group = m.group(1).trim();
        assertTrue("the group name shows in the node's log", primary.log().contains("[" + group + "]"));
        String secret = primary.shell("kato:cluster-secret").trim();
        assertFalse(group, group.contains(oldGroupName(secret).substring("strato-".length())));

        Config config = new Config();
        config.getGroupConfig().setName(group);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        NetworkConfig net = config.getNetworkConfig();
        net.setPort(primary.clusterPort + 50).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + primary.clusterPort);
        HazelcastInstance rogue = Hazelcast.newHazelcastInstance(config);
        try {
            assertTrue("the rogue joined at the Hazelcast level", rogue.getCluster().getMembers().size() >= 3);
            IMap<Object, Object> nodes = rogue.getMap("strato.nodes");
            List<Object> values = new ArrayList<>(nodes.values());
            assertFalse("node records are there", values.isEmpty());
            for (Object v : values) {
                String value = String.valueOf(v);
                assertTrue(value, value.startsWith("s1:"));
                assertFalse(value, value.contains(primary.name) || value.contains(other.name) || value.contains("127.0.0.1"));
            }
            for (String map : List.of("strato.cluster", "strato.primary", "strato.proof", "strato.members")) {
                for (Object v : rogue.getMap(map).values()) {
                    assertFalse(map + ": " + v, String.valueOf(v).contains(primary.name) || String.valueOf(v).contains("strato"));
                }
            }

            long now = System.currentTimeMillis();
            nodes.put("rogue-node", "{\"id\":\"rogue-node\",\"name\":\"rogue-node\",\"address\":\"127.0.0.1\",\"roles\":{\"base\":\"ACTIVE\"},"
                    + "\"primary\":false,\"version\":\"0.1.0\",\"lastHeartbeat\":" + now + "}");
            nodes.put("copied-node", values.get(0));
            nodes.put("rogue-object", new Payload()); // a class the node does not have (or may not load)
            nodes.put("rogue-number", 42L);
            rogue.getMap("controller.desired").put("rogue-app", "{\"name\":\"rogue-app\",\"env\":{\"X\":\"y\"}}");

            String status = primary.awaitShell("kato:status", s -> s.contains("2 node(s)"), Duration.ofSeconds(30));
            assertFalse(status, status.contains("rogue-node") || status.contains("copied-node"));
            assertFalse(other.shell("kato:status").contains("rogue-node"));
            String log = primary.log();
            assertTrue("the node reports what it ignored", log.contains("Ignored an unsealed entry: cluster map strato.nodes, key rogue-node"));
            assertTrue(log.contains("Ignored an unsealed entry: cluster map strato.nodes, key copied-node"));
            assertTrue(log.contains("Ignored an unsealed entry: cluster map strato.nodes, key rogue-object"));
            assertFalse("no value in the warning", log.contains("\"name\":\"rogue-node\""));

            // the rogue is never remembered as a peer to rejoin
            String peers = Files.readString(primary.home.resolve("etc/strato-cluster.properties"));
            assertFalse(peers, peers.contains(String.valueOf(primary.clusterPort + 50)));
        } finally {
            rogue.getLifecycleService().terminate();
        }
        primary.awaitShell("kato:status", s -> s.contains("2 node(s)") && s.contains("(READY)"), Duration.ofSeconds(30));
    }

    /** A serializable value only the rogue has. */
    static final class Payload implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final String what = "not a Strato value";
    }

    /** The group name nodes used to have, computed from the secret: it must appear nowhere either. */
    static String oldGroupName(String secret) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        return "strato-" + HexFormat.of().formatHex(digest, 0, 12);
    }

    static void nothingDerivedFromTheSecretIsLogged(List<StratoNode> nodes, List<String> secrets) throws Exception {
        for (StratoNode n : nodes) {
            for (Path file : List.of(n.home.resolve("data/log/karaf.log"), n.home.resolve("console.log"))) {
                if (!Files.exists(file)) {
                    continue;
                }
                String text = Files.readString(file);
                for (String secret : secrets) {
                    assertFalse(file + " contains a secret", text.contains(secret));
                    assertFalse(file + " contains a value derived from a secret", text.contains(oldGroupName(secret).substring(7)));
                }
            }
        }
    }

    /** Another uid (an app) cannot read the node's configuration, secret or logs, nor connect to its cluster port. */
    static void platformFilesAreClosedToOtherUsers(StratoNode node) throws Exception {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            System.out.println("[ClusterIT] not root or no setpriv: file permission checks skipped");
            return;
        }
        Path home = node.home.toAbsolutePath();
        assertEquals("another uid reaches the node's directory (the checks below mean something)", 0,
                asOtherUser("cat", home.resolve("bin/setenv").toString()));
        assertNotEquals(0, asOtherUser("cat", home.resolve("etc/strato-cluster.properties").toString()));
        assertNotEquals(0, asOtherUser("cat", home.resolve("etc/hazelcast.xml").toString()));
        assertNotEquals(0, asOtherUser("cat", home.resolve("data/log/karaf.log").toString()));
        assertNotEquals(0, asOtherUser("ls", home.resolve("data").toString()));
        assertEquals("the node's files are created owner-only (umask 077)", "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("data/log/karaf.log"))));

        if (Files.isExecutable(Path.of("/usr/sbin/iptables")) || Files.isExecutable(Path.of("/sbin/iptables"))) {
            assertTrue(node.log().contains("Cluster port " + node.clusterPort + " protected on this machine"));
            String connect = "exec 3<>/dev/tcp/127.0.0.1/" + node.clusterPort;
            assertEquals("the node's own uid connects", 0, run(List.of("bash", "-c", connect)));
            assertNotEquals("another uid cannot connect to the cluster port", 0,
                    asOtherUser("bash", "-c", connect));
        }
    }

    private static int asOtherUser(String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + OTHER_UID, "--regid=" + OTHER_UID, "--clear-groups"));
        c.addAll(List.of(command));
        return run(c);
    }

    private static int run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return p.exitValue();
    }

    /** Removes the iptables chain a killed node left behind (a node that stops cleanly removes its own). */
    static void removePortRules(int clusterPort) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/iptables")) || !"root".equals(System.getProperty("user.name"))) {
            return;
        }
        String chain = "STRATO-CLUSTER-" + clusterPort;
        for (int i = 0; i < 10 && run(List.of("iptables", "-w", "-D", "OUTPUT", "-j", chain)) == 0; i++) {
            // every jump to it
        }
        for (String c : List.of(chain, chain + "-1", chain + "-2")) {
            run(List.of("iptables", "-w", "-F", c));
        }
        for (String c : List.of(chain, chain + "-1", chain + "-2")) {
            run(List.of("iptables", "-w", "-X", c));
        }
    }
}
