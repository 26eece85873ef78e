package io.strato.itests;

import org.junit.After;
import org.junit.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * Two assembled nodes: node-1 the primary with a controller, node-2 a DEA attached to it. node-2's log lines are in
 * {@code kato:log-tail --node node-2} on both nodes and in node-1's {@code data/log/cluster.log}; the output of an
 * app instance on node-2 is in {@code strato logs} of node-1's controller; a line node-2 logs while the primary is
 * killed shows once the primary is back, and nothing is kept twice.
 */
public class ClusterLogIT {

    private static final Path WORK = Path.of("target", "clusterlog");
    /** "time node level logger: message" */
    private static final Pattern ROLE_LINE = Pattern.compile(
            "(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} node-2 INFO io\\.strato\\.\\S+: Role dea is active on this node$");
    private final List<StratoNode> nodes = new ArrayList<>();

    @After
    public void stopNodes() throws Exception {
        for (StratoNode n : nodes) {
            n.close();
        }
    }

    private StratoNode node(String name, int slot) throws Exception {
        StratoNode n = new StratoNode(name, slot, WORK.resolve("nodes"));
        nodes.add(n);
        return n;
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    @Test
    public void everyNodesLinesReachThePrimaryAndSurviveItsRestart() throws Exception {
        StratoNode node1 = node("node-1", 70);
        StratoNode node2 = node("node-2", 71);
        node2.edit("etc/io.strato.dea.cfg", "appUidRange = 20000-29999", "appUidRange = 20000-29999\nportRange = 63000-63099");
        long t0 = System.nanoTime();
        for (StratoNode n : nodes) {
            n.start();
        }
        StratoNode.awaitAllReady(nodes);
        System.out.printf("[ClusterLogIT] both nodes READY after %.1f s%n", StratoNode.secondsSince(t0));

        // no primary yet: a clear error
        String none = node2.shell("kato:log-tail");
        assertTrue(none, none.contains("this cluster has no primary, which keeps the cluster's log"));

        assertTrue(node1.shell("kato:role-add primary controller health-manager stager").contains("Added roles"));
        node1.shell("kato:user-add --admin --password s3cret-pass dev");
        String secret = node1.shell("kato:cluster-secret").trim();
        String attached = node2.shell("kato:node-attach --secret " + secret + " 127.0.0.1:" + node1.clusterPort);
        assertTrue(attached, attached.contains("Attached to cluster strato (primary: node-1"));
        long roleAdded = System.nanoTime();
        assertTrue(node2.shell("kato:role-add dea").contains("Added roles: dea"));

        // node-2's lines on the primary and on node-2 itself
        String onPrimary = node1.awaitShell("kato:log-tail --node node-2 -n 1000", s -> ROLE_LINE.matcher(s).find(), Duration.ofSeconds(60));
        System.out.printf("[ClusterLogIT] node-2's role line in the primary's log-tail %.1f s after kato:role-add%n",
                StratoNode.secondsSince(roleAdded));
        assertFalse(onPrimary, Pattern.compile("(?m)^\\S+ \\S+ node-1 ").matcher(onPrimary).find());
        String onNode2 = node2.awaitShell("kato:log-tail --node node-2 -n 1000", s -> ROLE_LINE.matcher(s).find(), Duration.ofSeconds(30));
        assertTrue(onNode2, onNode2.contains("node-2 INFO"));
        String everyone = node2.shell("kato:log-tail -n 1000");
        assertTrue(everyone, everyone.contains(" node-1 INFO io.strato."));
        String warnings = node1.shell("kato:log-tail --level WARN -n 1000");
        assertFalse(warnings, Pattern.compile("(?m)^\\S+ \\S+ \\S+ INFO ").matcher(warnings).find());
        String badLevel = node1.shell("kato:log-tail --level LOUD");
        assertTrue(badLevel, badLevel.contains("unknown log level: LOUD; valid levels: ERROR, WARN, INFO, DEBUG, TRACE"));
        Path clusterLog = node1.home.resolve("data/log/cluster.log");
        assertTrue(ROLE_LINE.matcher(Files.readString(clusterLog)).find());

        // an app instance on node-2: its output in the logs node-1's controller serves
        Path cliHome = Files.createDirectories(WORK.resolve("cli-home"));
        Path app = Files.createDirectories(WORK.resolve("apps/talker"));
        Files.writeString(app.resolve("package.json"), "{\"name\":\"talker\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n");
        Files.writeString(app.resolve("server.js"), String.join("\n",
                "const where = (process.env.HOME.match(/(node-\\d)/) || ['?', '?'])[1];",
                "setInterval(() => console.log(`talker says hello from ${where}`), 1000);",
                "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT);", ""));
        assertEquals(0, node1.cli(cliHome, app, "target", "http://127.0.0.1:" + node1.httpPort).exit());
        assertEquals(0, node1.cli(cliHome, app, "login", "--username", "dev", "--password", "s3cret-pass").exit());
        StratoNode.CliResult push = node1.cli(cliHome, app, "push", "talker");
        assertEquals(push.output(), 0, push.exit());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        StratoNode.CliResult logs = node1.cli(cliHome, app, "logs", "talker");
        while (!logs.output().contains("talker says hello from node-2") && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            logs = node1.cli(cliHome, app, "logs", "talker");
        }
        assertTrue(logs.output(), logs.output().contains("talker says hello from node-2"));

        // kill -9 the primary; node-2 logs while it is gone; the line is there once the primary is back
        node1.kill();
        long killedAt = System.nanoTime();
        node2.awaitShell("kato:log-tail", s -> s.contains("this cluster has no primary"), Duration.ofSeconds(60));
        System.out.printf("[ClusterLogIT] node-2 says there is no primary %.1f s after kill -9%n", StratoNode.secondsSince(killedAt));
        String marker = "logged while the primary was down " + UUID.randomUUID();
        node2.shell("log:log --level WARNING \"" + marker + "\"");
        node1.start();
        node1.awaitReady(Duration.ofSeconds(180));
        long backAt = System.nanoTime();
        String after = node1.awaitShell("kato:log-tail --node node-2 -n 2000", s -> s.contains(marker), Duration.ofSeconds(90));
        System.out.printf("[ClusterLogIT] node-2's line reached the restarted primary %.1f s after it was READY%n",
                StratoNode.secondsSince(backAt));
        assertTrue(after, after.contains("node-2 WARN"));
        assertTrue("lines from before the restart are read back from cluster.log:\n" + after, ROLE_LINE.matcher(after).find());
        node2.awaitShell("kato:log-tail --node node-2 -n 2000", s -> s.contains(marker), Duration.ofSeconds(30));
        Thread.sleep(12_000); // longer than a node waits for an acknowledgement before it sends again
        String kept = Files.readString(clusterLog);
        assertEquals(kept, 1, count(kept, marker));
        assertEquals(kept, 1, ROLE_LINE.matcher(kept).results().count());
    }
}
