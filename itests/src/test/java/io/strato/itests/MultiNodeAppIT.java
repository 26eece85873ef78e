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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

/**
 * Three assembled nodes: node-1 runs primary, controller, health manager, stager, router and the filesystem
 * service; node-2 and node-3 are DEAs attached to it, and node-2 has a standby health manager. An app's instances spread over both DEAs; a killed
 * instance is replaced; when node-3 is killed its instances come back on node-2, and once node-3 is back new
 * instances go to it; while node-1 is killed, node-2's health manager takes over (a killed instance is
 * replaced), and once node-1 is back its apps, routes, services and users are there and the other running
 * instances were left alone.
 */
public class MultiNodeAppIT {

    private static final Path WORK = Path.of("target", "multinode");
    private static final Pattern ANSWER = Pattern.compile("instance (\\d+) on (node-\\d) id (\\w+) port (\\d+)");
    private final List<StratoNode> nodes = new ArrayList<>();

    /** Where an index answered from. */
    /**
     * Where an instance answered from: its node, an id the process drew when it started (its pid inside its
     * sandbox says nothing: every instance has a pid namespace of its own) and its port.
     */
    private record Seen(String node, String id, int port) {
    }

    private static String lastLines(List<String> lines, int count) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    @After
    public void stopNodes() throws InterruptedException {
        for (StratoNode n : nodes) {
            n.close();
        }
    }

    @Test
    public void instancesSpreadRecoverFromCrashesAndLostNodesAndSurviveAControllerRestart() throws Exception {
        StratoNode controller = node("node-1", 7);
        int routerPort = 20000 + 100 * 7 + 6;
        controller.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + routerPort);
        StratoNode dea2 = node("node-2", 8);
        StratoNode dea3 = node("node-3", 9);
        // two DEAs on one host: each its own instance ports, as on separate machines
        dea2.edit("etc/io.strato.dea.cfg", "appUidRange = 20000-29999", "appUidRange = 20000-29999\nportRange = 62000-62499");
        dea3.edit("etc/io.strato.dea.cfg", "appUidRange = 20000-29999", "appUidRange = 20000-29999\nportRange = 62500-62999");
        for (StratoNode n : nodes) {
            n.start();
        }
        StratoNode.awaitAllReady(nodes);

        controller.shell("kato:role-add primary controller health-manager stager router filesystem");
        controller.shell("kato:user-add --admin --password s3cret-pass dev");
        String secret = controller.shell("kato:cluster-secret").trim();
        for (StratoNode dea : List.of(dea2, dea3)) {
            String attached = dea.shell("kato:node-attach --secret " + secret + " 127.0.0.1:" + controller.clusterPort);
            assertTrue(attached, attached.contains("Attached to cluster strato (primary: node-1"));
            assertTrue(dea.shell("kato:role-add dea").contains("Added roles: dea"));
        }
        // a second health manager, standing by while node-1's acts
        assertTrue(dea2.shell("kato:role-add health-manager").contains("Added roles: health-manager"));
        controller.awaitShell("kato:status", s -> s.contains("3 node(s)"), Duration.ofSeconds(30));

        Path cliHome = Files.createDirectories(WORK.resolve("cli-home"));
        Path app = Files.createDirectories(WORK.resolve("apps/spread"));
        Files.writeString(app.resolve("package.json"), "{\"name\":\"spread\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n");
        // the instance's HOME lies under its node's directory, which names the node
        Files.writeString(app.resolve("server.js"), String.join("\n",
                "const app = JSON.parse(process.env.VCAP_APPLICATION);",
                "const node = (process.env.HOME.match(/(node-\\d)/) || ['?', '?'])[1];",
                "const id = require('crypto').randomBytes(6).toString('hex');",
                "require('http').createServer((q, s) => s.end(`instance ${app.instance_index} on ${node} id ${id} port ${process.env.PORT}\\n`))",
                "  .listen(process.env.PORT);", ""));
        assertEquals(0, cli(controller, cliHome, app, "target", "http://127.0.0.1:" + controller.httpPort).exit());
        assertEquals(0, cli(controller, cliHome, app, "login", "--username", "dev", "--password", "s3cret-pass").exit());
        assertEquals(0, cli(controller, cliHome, app, "create-service", "filesystem", "files").exit());
        StratoNode.CliResult push = cli(controller, cliHome, app, "push", "spread", "--instances", "4");
        assertEquals(push.output(), 0, push.exit());
        StratoNode.CliResult bind = cli(controller, cliHome, app, "bind-service", "files", "spread");
        assertEquals(bind.output(), 0, bind.exit());

        // spread, and every instance reachable through the router
        Map<String, Seen> placement = awaitInstances(routerPort, 4, Duration.ofSeconds(90), s -> true);
        System.out.println("[MultiNodeAppIT] placement: " + placement);
        assertTrue(placement.toString(), nodesOf(placement).contains("node-2") && nodesOf(placement).contains("node-3"));

        // kill -9 one instance: a new one serves
        Seen victim = placement.get("0");
        long crashedAt = System.nanoTime();
        HostProcesses.killListener(victim.port());
        Map<String, Seen> replaced = awaitInstances(routerPort, 4, Duration.ofSeconds(60),
                seen -> seen.containsKey("0") && !seen.get("0").id().equals(victim.id()));
        System.out.printf("[MultiNodeAppIT] instance 0 killed -> a new instance 0 serves after %.1f s%n",
                (System.nanoTime() - crashedAt) / 1e9);
        assertNotEquals(victim.id(), replaced.get("0").id());
        StratoNode.CliResult events = cli(controller, cliHome, app, "events", "spread");
        assertTrue(events.output(), events.output().contains("app.crash"));

        // kill -9 node-3: its instances run on node-2
        long killedAt = System.nanoTime();
        dea3.kill();
        Map<String, Seen> after = awaitInstances(routerPort, 4, Duration.ofSeconds(120),
                seen -> !nodesOf(seen).contains("node-3"));
        System.out.printf("[MultiNodeAppIT] node-3 killed -> 4 instances on node-2 after %.1f s%n",
                (System.nanoTime() - killedAt) / 1e9);
        assertEquals(List.of("node-2"), nodesOf(after));

        // node-3 comes back: new instances go to it
        dea3.start();
        dea3.awaitReady(Duration.ofSeconds(180));
        controller.awaitShell("kato:node-list", s -> s.contains("node-3"), Duration.ofSeconds(60));
        Thread.sleep(3000); // its DEA's first advertisements
        StratoNode.CliResult scale = cli(controller, cliHome, app, "scale", "spread", "--instances", "6");
        assertEquals(scale.output(), 0, scale.exit());
        Map<String, Seen> scaled = awaitInstances(routerPort, 6, Duration.ofSeconds(90), seen -> true);
        System.out.println("[MultiNodeAppIT] after node-3 returned and a scale to 6: " + scaled);
        assertEquals("node-3", scaled.get("4").node());
        assertEquals("node-3", scaled.get("5").node());

        // node-3 cut off (its JVM frozen, its instances still running): its instances are replaced on node-2;
        // once it is back, each index is served by one instance again (the duplicates are stopped)
        long cutAt = System.nanoTime();
        dea3.signalJvm("STOP");
        Map<String, Seen> cut = awaitInstances(routerPort, 6, Duration.ofSeconds(120),
                seen -> !nodesOf(seen).contains("node-3"));
        System.out.printf("[MultiNodeAppIT] node-3 cut off -> 6 instances on node-2 after %.1f s%n",
                (System.nanoTime() - cutAt) / 1e9);
        dea3.signalJvm("CONT");
        long backAt = System.nanoTime();
        try {
            controller.awaitShell("kato:node-list", s -> s.contains("node-3"), Duration.ofSeconds(90));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nnode-3 sees:\n" + dea3.shell("kato:status") + "\nnode-3's cluster log:\n"
                    + lastLines(dea3.log().lines().filter(l -> l.contains("hazelcast") || l.contains("ClusterRejoin")).toList(), 60), e);
        }
        Thread.sleep(10_000); // node-3's DEA reports its old instances again
        scaled = awaitInstances(routerPort, 6, Duration.ofSeconds(120), seen -> true);
        System.out.printf("[MultiNodeAppIT] node-3 back -> one instance per index again after %.1f s: %s%n",
                (System.nanoTime() - backAt) / 1e9, scaled);
        for (String index : List.of("0", "1", "2", "3")) {
            assertEquals("instances of node-2 stay", cut.get(index), scaled.get(index));
        }

        // kill -9 node-1 and start it again: everything is still there, and no instance restarted
        // while node-1 is down, node-2's health manager takes over and replaces a killed instance
        controller.kill();
        long controllerKilledAt = System.nanoTime();
        Seen victim5 = scaled.get("5");
        HostProcesses.killListener(victim5.port());
        dea2.awaitShell("kato:status", st -> st.contains("Health manager: acting on node-2"), Duration.ofSeconds(60));
        System.out.printf("[MultiNodeAppIT] node-1 killed -> node-2's health manager acts after %.1f s%n",
                (System.nanoTime() - controllerKilledAt) / 1e9);
        controller.start();
        controller.awaitReady(Duration.ofSeconds(180));
        StratoNode.CliResult apps = awaitCli(controller, cliHome, app, r -> r.output().contains("spread"), "apps");
        assertTrue(apps.output(), apps.output().contains("spread"));
        StratoNode.CliResult services = awaitCli(controller, cliHome, app, r -> r.output().contains("files"), "services");
        assertTrue(services.output(), services.output().contains("spread"));
        assertEquals(0, cli(controller, cliHome, app, "login", "--username", "dev", "--password", "s3cret-pass").exit());
        Map<String, Seen> afterRestart = awaitInstances(routerPort, 6, Duration.ofSeconds(120),
                seen -> !seen.get("5").id().equals(victim5.id()));
        Map<String, Seen> untouched = new HashMap<>(scaled);
        untouched.remove("5");
        Map<String, Seen> others = new HashMap<>(afterRestart);
        others.remove("5");
        assertEquals("running instances are not restarted", untouched, others);
        Thread.sleep(5000);
        assertEquals("nor a little later", afterRestart, awaitInstances(routerPort, 6, Duration.ofSeconds(60), seen -> true));
    }

    private static List<String> nodesOf(Map<String, Seen> placement) {
        return placement.values().stream().map(Seen::node).distinct().sorted().toList();
    }

    /**
     * Requests through the router until {@code count} instance indexes answered (each several times) and the
     * answers satisfy {@code until}; index → where it answered from.
     */
    private static Map<String, Seen> awaitInstances(int routerPort, int count, Duration timeout,
                                                    java.util.function.Predicate<Map<String, Seen>> until) throws Exception {
        Map<String, Seen> seen = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        int fresh = 0;
        while (System.nanoTime() < deadline) {
            Matcher m = ANSWER.matcher(StratoNode.routerGet(routerPort, "spread.localhost"));
            if (m.find()) {
                Seen s = new Seen(m.group(2), m.group(3), Integer.parseInt(m.group(4)));
                if (!s.equals(seen.put(m.group(1), s))) {
                    fresh = 0;
                }
                fresh++;
                if (seen.size() == count && fresh >= 4 * count && until.test(seen)) {
                    return seen;
                }
                if (seen.size() > count) {
                    seen.clear();
                }
            } else {
                seen.clear();
                fresh = 0;
                Thread.sleep(200);
            }
        }
        throw new AssertionError("within " + timeout.toSeconds() + " s the router did not show " + count
                + " instances as expected; last seen: " + seen);
    }

    private static StratoNode.CliResult cli(StratoNode node, Path home, Path dir, String... args) throws Exception {
        return node.cli(home, dir, args);
    }

    private static StratoNode.CliResult awaitCli(StratoNode node, Path home, Path dir,
                                                 java.util.function.Predicate<StratoNode.CliResult> ok,
                                                 String... args) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        StratoNode.CliResult r = node.cli(home, dir, args);
        while (!(r.exit() == 0 && ok.test(r)) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            r = node.cli(home, dir, args);
        }
        return r;
    }

    private StratoNode node(String name, int slot) throws Exception {
        StratoNode n = new StratoNode(name, slot, WORK.resolve("nodes"));
        nodes.add(n);
        return n;
    }
}
