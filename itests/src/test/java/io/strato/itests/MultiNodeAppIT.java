package io.strato.itests;

import org.junit.After;
import org.junit.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Three assembled nodes: node-1 runs primary, controller, stager and router; node-2 and node-3 are
 * DEAs attached to it. An app's instances spread over both DEAs, and when node-3 is killed its
 * instances come back on node-2.
 */
public class MultiNodeAppIT {

    private static final Path WORK = Path.of("target", "multinode");
    private static final Pattern ANSWER = Pattern.compile("instance (\\d+) on (node-\\d)");
    private final List<StratoNode> nodes = new ArrayList<>();

    @After
    public void stopNodes() throws InterruptedException {
        for (StratoNode n : nodes) {
            n.close();
        }
    }

    @Test
    public void instancesSpreadOverDeasAndMoveWhenANodeDies() throws Exception {
        StratoNode controller = node("node-1", 7);
        int routerPort = 20000 + 100 * 7 + 6;
        controller.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + routerPort);
        StratoNode dea2 = node("node-2", 8);
        StratoNode dea3 = node("node-3", 9);
        for (StratoNode n : nodes) {
            n.start();
        }
        CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(() -> ready(n)))
                .toArray(CompletableFuture[]::new)).join();

        controller.shell("kato:role-add primary controller stager router");
        controller.shell("kato:user-add --admin --password s3cret-pass dev");
        String secret = controller.shell("kato:cluster-secret").trim();
        for (StratoNode dea : List.of(dea2, dea3)) {
            String attached = dea.shell("kato:node-attach --secret " + secret + " 127.0.0.1:" + controller.clusterPort);
            assertTrue(attached, attached.contains("Attached to cluster strato (primary: node-1"));
            assertTrue(dea.shell("kato:role-add dea").contains("Added roles: dea"));
        }
        controller.awaitShell("kato:status", s -> s.contains("3 node(s)"), Duration.ofSeconds(30));

        Path cliHome = Files.createDirectories(WORK.resolve("cli-home"));
        Path app = Files.createDirectories(WORK.resolve("apps/spread"));
        Files.writeString(app.resolve("package.json"), "{\"name\":\"spread\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n");
        // the instance's HOME lies under its node's directory, which names the node
        Files.writeString(app.resolve("server.js"), String.join("\n",
                "const app = JSON.parse(process.env.VCAP_APPLICATION);",
                "const node = (process.env.HOME.match(/(node-\\d)/) || ['?', '?'])[1];",
                "require('http').createServer((q, s) => s.end(`instance ${app.instance_index} on ${node}\\n`))",
                "  .listen(process.env.PORT);", ""));
        assertEquals(0, controller.cli(cliHome, app, "target", "http://127.0.0.1:" + controller.httpPort).exit());
        assertEquals(0, controller.cli(cliHome, app, "login", "--username", "dev", "--password", "s3cret-pass").exit());
        StratoNode.CliResult push = controller.cli(cliHome, app, "push", "spread", "--instances", "4");
        assertEquals(push.output(), 0, push.exit());

        Map<String, String> placement = awaitInstances(routerPort, 4, Duration.ofSeconds(60));
        System.out.println("[MultiNodeAppIT] placement: " + placement);
        assertTrue(placement.toString(), placement.containsValue("node-2") && placement.containsValue("node-3"));

        long killedAt = System.nanoTime();
        dea3.kill();
        Map<String, String> after = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && !(after.size() == 4 && !after.containsValue("node-3"))) {
            after = awaitInstances(routerPort, 4, Duration.ofSeconds(120));
        }
        System.out.printf("[MultiNodeAppIT] node-3 killed -> 4 instances on node-2 after %.1f s%n",
                (System.nanoTime() - killedAt) / 1e9);
        assertEquals(Map.of("0", "node-2", "1", "node-2", "2", "node-2", "3", "node-2"), after);
    }

    /** Requests through the router until {@code count} instance indexes answered; index → node. */
    private static Map<String, String> awaitInstances(int routerPort, int count, Duration timeout) throws Exception {
        Map<String, String> seen = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        int fresh = 0;
        while (System.nanoTime() < deadline && (seen.size() < count || fresh < 4 * count)) {
            Matcher m = ANSWER.matcher(StratoNode.routerGet(routerPort, "spread.localhost"));
            if (m.find()) {
                seen.put(m.group(1), m.group(2));
                fresh++;
            } else {
                seen.clear();
                fresh = 0;
                Thread.sleep(200);
            }
        }
        return seen;
    }

    private StratoNode node(String name, int slot) throws Exception {
        StratoNode n = new StratoNode(name, slot, WORK.resolve("nodes"));
        nodes.add(n);
        return n;
    }

    private static void ready(StratoNode n) {
        try {
            n.awaitReady(Duration.ofSeconds(180));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
