package io.strato.core.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.AppHealth;
import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.DesiredApp;
import io.strato.api.app.RouterEndpoint;
import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.ClusterStatus;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.NodeRecord;
import io.strato.api.json.Json;
import io.strato.api.role.RoleService;
import io.strato.api.role.RoleState;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceOffering;
import io.strato.api.shell.ShellCommandCheck;
import io.strato.core.internal.Membership;
import io.strato.testkit.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.console.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** kato:node-list and kato:status: each DEA's memory in use, capacity and instances; data service health; apps in trouble. */
class StatusAndNodeListTest {

    private final LocalSharedState shared = new LocalSharedState();
    private final NodeRecord dea = new NodeRecord("node-a", "dea-node", "10.0.0.1",
            Map.of("base", RoleState.ACTIVE, "dea", RoleState.ACTIVE), false, "0.1.0", System.currentTimeMillis());
    private final NodeRecord controller = new NodeRecord("node-b", "ctl-node", "10.0.0.2",
            Map.of("base", RoleState.ACTIVE, "controller", RoleState.ACTIVE, "router", RoleState.ACTIVE), true, "0.1.0",
            System.currentTimeMillis());

    @AfterEach
    void close() {
        shared.close();
    }

    private void advertise(String deaId, long total, long free, int instances) {
        shared.map(Channels.DEA_ADVERTISEMENTS).put(deaId, Json.write(new DeaAdvertisement(deaId, "n", "10.0.0.1",
                total, free, instances, System.currentTimeMillis())));
    }

    @Test
    void memoryInUseIsTotalMinusFreeAndNodesWithoutADeaShowADash() {
        advertise("node-a", 2048, 1536, 2);
        shared.map(Channels.DEA_ADVERTISEMENTS).put("broken", "not json");
        ClusterStatus status = ClusterStatus.read(cluster(dea), shared, System.currentTimeMillis());
        assertEquals("512/2048 MB", Formats.deaMemory(status.node("node-a").orElseThrow().dea()));
        assertEquals("2", Formats.deaInstances(status.node("node-a").orElseThrow().dea()));
        assertEquals("-", Formats.deaMemory(status.node("node-b").orElseThrow().dea()), "an unreadable entry is skipped");
        assertEquals("-", Formats.deaInstances(status.node("node-b").orElseThrow().dea()));
        assertNull(ClusterStatus.read(cluster(dea), null, 0).node("node-a").orElseThrow().dea(),
                "no shared state: no DEAs, no failure");
    }

    @Test
    void nodeListHasTheDeaColumns() {
        advertise("node-a", 4096, 3072, 3);
        NodeListCommand command = new NodeListCommand();
        command.cluster = cluster(dea);
        command.shared = shared;
        String out = capture(command::execute);
        String deaLine = line(out, "dea-node");
        assertTrue(deaLine.contains("1024/4096 MB"), out);
        assertTrue(deaLine.matches(".*1024/4096 MB\\W+3\\W*"), deaLine);
        assertTrue(line(out, "ctl-node").matches(".*-\\W+-\\W*"), out);
        assertTrue(out.contains("DEA memory"), out);
    }

    @Test
    void statusShowsThisNodesDea() {
        advertise("node-a", 2048, 1024, 4);
        StatusCommand command = new StatusCommand();
        command.cluster = cluster(dea);
        command.shared = shared;
        String out = capture(command::execute);
        assertTrue(out.contains("This node's DEA: 1024/2048 MB of memory in use, 4 instance(s)"), out);
        assertTrue(line(out, "dea-node").contains("1024/2048 MB"), out);

        shared.map(Channels.DEA_ADVERTISEMENTS).remove("node-a");
        assertTrue(capture(command::execute).contains("This node's DEA: not advertised"));

        command.cluster = cluster(controller);
        assertTrue(!capture(command::execute).contains("This node's DEA"), "a node without a DEA has no such line");
    }

    @Test
    void statusShowsDataServiceHealthAndAppsThatCannotRunAsWanted() {
        shared.map(Channels.BROKER_CATALOG).put("node-a|redis", Json.write(new ServiceOffering("node-a", "http://x/broker",
                "redis", "6.2", "", List.of(), List.of(), ServiceHealth.up("2 redis-server(s) running"))));
        shared.map(Channels.BROKER_CATALOG).put("node-a|mysql", Json.write(new ServiceOffering("node-a", "http://x/broker",
                "mysql", "11.4", "", List.of(), List.of(), ServiceHealth.down("mysql server at 127.0.0.1:13306 does not answer"))));
        shared.map(Channels.DESIRED_APPS).put("g1", Json.write(new DesiredApp("g1", "shop", "v1", 2, "http://d", 64, 64,
                null, List.of(), Map.of(), "{}", 20001)));
        shared.map(Channels.APP_HEALTH).put("g1", Json.write(new AppHealth("g1", "insufficient memory on all DEAs",
                List.of(new AppHealth.Flapping(1, 5, System.currentTimeMillis() + 30_000)))));
        StatusCommand command = new StatusCommand();
        command.cluster = cluster(dea);
        command.shared = shared;
        String out = capture(command::execute);
        assertTrue(out.contains("Data services: mysql on dea-node (DOWN), redis on dea-node"), out);
        assertTrue(!out.contains("Health manager:"), "no health manager acts");
        shared.map(Channels.HEALTH_MANAGER_LEASE).put(io.strato.api.cluster.Lease.KEY, "node-a");
        assertTrue(capture(command::execute).contains("Health manager: acting on dea-node"));
        assertTrue(out.contains("WARNING: mysql on dea-node is down: mysql server at 127.0.0.1:13306 does not answer"), out);
        assertTrue(out.contains("WARNING: app shop cannot start all instances: insufficient memory on all DEAs"), out);
        assertTrue(out.contains("WARNING: app shop is FLAPPING: instance 1 crashed 5 times, next restart in 30 s"), out);
    }

    @Test
    void statusShowsEveryRouterAndWarnsOfARouterRoleThatServesNothing() {
        StatusCommand command = new StatusCommand();
        command.cluster = cluster(dea);
        command.shared = shared;
        String out = capture(command::execute);
        assertTrue(!out.contains("Routers:"), out);
        assertTrue(out.contains("WARNING: the router on ctl-node does not serve app traffic"), out);

        shared.map(Channels.ROUTERS).put("node-b", Json.write(new RouterEndpoint("0.0.0.0", 8080)));
        shared.map(Channels.ROUTERS).put("node-a", Json.write(new RouterEndpoint("127.0.0.1", 9080)));
        out = capture(command::execute);
        assertTrue(out.contains("Routers: ctl-node (0.0.0.0:8080), dea-node (127.0.0.1:9080)"), out);
        assertTrue(!out.contains("does not serve app traffic"), out);
    }

    @Test
    void withoutTheClusterTheCommandsSaySoInsteadOfDisappearing() throws Exception {
        // Karaf's shell registers a bundle's commands only while every mandatory @Reference of every one of them is
        // there: one command that needs the cluster would take kato:cluster-secret, kato:role-* ... with it while Cellar
        // restarts (after kato:node-attach), and the admin would read "Command not found".
        ShellCommandCheck.assertOnlyOptionalReferences(ShellCommandCheck.shellServices("io.strato.core.shell", 13), ALWAYS_THERE);
        NodeListCommand list = new NodeListCommand();
        assertEquals(Formats.NOT_CONNECTED + "\n", capture(list::execute));
        StatusCommand status = new StatusCommand();
        assertTrue(capture(status::execute).startsWith("NOT READY: this node is not connected to its cluster"));
    }

    /** Services of core itself that do not depend on Cellar, and the shell's own session. */
    private static final List<Class<?>> ALWAYS_THERE = List.of(RoleService.class, ClusterSecret.class,
            Membership.class, Session.class);

    private static String line(String out, String name) {
        return out.lines().filter(l -> l.startsWith(name) || l.contains(" " + name + " |")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    private static String capture(Runnable command) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            command.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private ClusterView cluster(NodeRecord local) {
        return new TestCluster(local, local == dea ? controller : dea);
    }
}
