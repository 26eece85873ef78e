package io.strato.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cloudfoundry.operations.DefaultCloudFoundryOperations;
import org.cloudfoundry.operations.applications.ApplicationDetail;
import org.cloudfoundry.operations.applications.ApplicationSummary;
import org.cloudfoundry.operations.applications.GetApplicationRequest;
import org.cloudfoundry.reactor.DefaultConnectionContext;
import org.cloudfoundry.reactor.client.ReactorCloudFoundryClient;
import org.cloudfoundry.reactor.tokenprovider.PasswordGrantTokenProvider;
import org.junit.After;
import org.junit.Test;

/**
 * A cluster scaled out as Stackato's docs describe it: node-1 is primary, controller, router and stager and
 * serves the cluster's store; node-2 is a second controller, router and stager (and a standby health manager)
 * on that store; node-3 and node-4 are DEAs. haproxy (Debian's) sits in front of both routers. An app pushed
 * through node-1's API is managed through node-2's; a token from one controller works on the other. When
 * node-1's Karaf JVM is killed, node-2 serves the API, stages a new push, its health manager replaces a
 * killed instance, and haproxy keeps answering; node-1 started again sees what happened meanwhile. A third-party
 * service plugin (the H2 example) installed live on a DEA node shows in both controllers' marketplaces. Every
 * node's log lines reach the primary's cluster log, also those logged while it was down; an app's output shows
 * in the logs of a controller on another node than its DEA. The official Cloud Foundry Java client works against
 * the controller left while node-1 is down.
 */
public class ScaleOutIT {

    private static final Path WORK = Path.of("target", "scaleout");
    private static final int SLOT = 20;
    private static final String USER = "dev";
    private static final String PASSWORD = "s3cret-pass";
    private static final Pattern DEA_ROLE_LINE = Pattern.compile("(?m)^\\S+ \\S+ node-3 INFO \\S+: Role dea is active on this node");
    private static final Pattern SERVER_PID = Pattern.compile("Network server:\\s+running, pid (\\d+)");
    private final List<StratoNode> nodes = new ArrayList<>();
    private Process haproxy;

    @After
    public void stop() throws InterruptedException {
        if (haproxy != null) {
            haproxy.destroyForcibly().waitFor();
        }
        for (StratoNode n : nodes) {
            n.close();
        }
    }

    @Test
    public void twoControllersTwoRoutersTwoStagersKeepServingWhenOneNodeDies() throws Exception {
        StratoNode node1 = node("node-1", SLOT);
        StratoNode node2 = node("node-2", SLOT + 1);
        StratoNode dea3 = node("node-3", SLOT + 2);
        StratoNode dea4 = node("node-4", SLOT + 3);
        int router1 = routerPort(SLOT);
        int router2 = routerPort(SLOT + 1);
        node1.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + router1);
        node2.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + router2);
        // two DEAs on one host: each its own instance ports, as on separate machines
        dea3.edit("etc/io.strato.dea.cfg", "appUidRange = 20000-29999", "appUidRange = 20000-29999\nportRange = 63000-63499");
        dea4.edit("etc/io.strato.dea.cfg", "appUidRange = 20000-29999", "appUidRange = 20000-29999\nportRange = 63500-63999");
        // node-1 serves its store to the cluster; node-2's controller uses it
        node1.storeMode("server");
        node2.storeMode("client");
        for (StratoNode n : nodes) {
            n.start();
        }
        StratoNode.awaitAllReady(nodes);

        String noPrimary = dea3.shell("kato:log-tail");
        assertTrue(noPrimary, noPrimary.contains("this cluster has no primary, which keeps the cluster's log"));
        node1.shell("kato:role-add primary controller health-manager stager router");
        node1.shell("kato:user-add --admin --password " + PASSWORD + " " + USER);
        String secret = node1.shell("kato:cluster-secret").trim();
        for (StratoNode n : List.of(node2, dea3, dea4)) {
            String attached = n.shell("kato:node-attach --secret " + secret + " 127.0.0.1:" + node1.clusterPort);
            assertTrue(attached, attached.contains("Attached to cluster strato (primary: node-1"));
        }
        assertTrue(node2.shell("kato:role-add controller health-manager stager router").contains("Added roles"));
        for (StratoNode dea : List.of(dea3, dea4)) {
            assertTrue(dea.shell("kato:role-add dea").contains("Added roles: dea"));
        }
        String status = node1.awaitShell("kato:status", s -> s.contains("4 node(s)") && s.contains("Routers: node-1")
                && s.contains("node-2 ("), Duration.ofSeconds(60));
        System.out.println("[ScaleOutIT] kato:status on node-1:\n" + status);
        // every node's log lines reach the primary: node-3's on node-1's tail and on node-2's
        for (StratoNode reader : List.of(node1, node2)) {
            reader.awaitShell("kato:log-tail --node node-3 -n 1000", t -> DEA_ROLE_LINE.matcher(t).find(), Duration.ofSeconds(60));
        }
        String warnings = node2.shell("kato:log-tail --level WARN -n 1000");
        assertFalse(warnings, Pattern.compile("(?m)^\\S+ \\S+ \\S+ INFO ").matcher(warnings).find());

        // node-1 serves its Derby to the cluster from a process of its own; node-2's controller uses it
        String store1 = node1.awaitShell("kato:store-status", st -> SERVER_PID.matcher(st).find(), Duration.ofSeconds(60));
        assertTrue(store1, store1.matches("(?s).*Mode:\\s+server.*") && !store1.toLowerCase().contains("password"));
        Matcher serverPid = SERVER_PID.matcher(store1);
        assertTrue(serverPid.find());
        String store2 = node2.shell("kato:store-status");
        assertTrue(store2, store2.matches("(?s).*Mode:\\s+client.*Cluster database:\\s+jdbc:derby://127\\.0\\.0\\.1:" + node1.storePort() + ".*"));

        Haproxy lb = Haproxy.start(WORK.resolve("haproxy"), List.of(router1, router2),
                List.of(node1.httpPort, node2.httpPort), routerPort(SLOT + 4));
        haproxy = lb.process();

        String api1 = "http://127.0.0.1:" + node1.httpPort;
        String api2 = "http://127.0.0.1:" + node2.httpPort;
        Path home1 = Files.createDirectories(WORK.resolve("cli-node-1"));
        Path home2 = Files.createDirectories(WORK.resolve("cli-node-2"));
        Path app = writeApp("scaled", "v1");
        login(node1, home1, app, api1);
        login(node2, home2, app, api2);

        // push through node-1, reach it through haproxy in front of both routers
        long pushAt = System.nanoTime();
        StratoNode.CliResult push = node1.cli(home1, app, "push", "scaled", "--instances", "2");
        assertEquals(push.output(), 0, push.exit());
        awaitBody(lb.appPort(), "scaled.localhost", "scaled v1", Duration.ofSeconds(90));
        System.out.printf("[ScaleOutIT] push through node-1 -> 200 through haproxy after %.1f s%n", StratoNode.secondsSince(pushAt));
        for (int router : List.of(router1, router2)) {
            assertTrue("each router serves every route", StratoNode.routerGet(router, "scaled.localhost").contains("scaled v1"));
        }

        // the app's own output, from whichever DEA runs it, through the other controller's logs
        String probe = "/probe-" + System.nanoTime();
        assertTrue(StratoNode.routerGet(lb.appPort(), "scaled.localhost", probe).contains("scaled v1"));
        StratoNode.CliResult logs = node2.cli(home2, app, "logs", "scaled");
        for (long until = System.nanoTime() + Duration.ofSeconds(30).toNanos(); !logs.output().contains("served " + probe)
                && System.nanoTime() < until; ) {
            Thread.sleep(500);
            logs = node2.cli(home2, app, "logs", "scaled");
        }
        assertTrue(logs.output(), logs.output().contains("served " + probe));

        // a token from node-1's controller works on node-2's, and both see the same app
        String token = Api.token(api1, USER, PASSWORD);
        HttpResponse<String> seen = Api.call(api2, token, "GET", "/v2/apps?q=name:scaled", null);
        assertEquals(seen.body(), 200, seen.statusCode());
        assertEquals(seen.body(), 1, Api.JSON.readTree(seen.body()).path("resources").size());

        // manage through node-2: scale and set env; node-1 sees the change
        StratoNode.CliResult scale = node2.cli(home2, app, "scale", "scaled", "--instances", "3");
        assertEquals(scale.output(), 0, scale.exit());
        JsonNode entity = appEntity(api1, token, "scaled");
        assertEquals(entity.toString(), 3, entity.path("instances").asInt());

        // a third party's service plugin, installed live on a DEA node, is in both controllers' marketplaces; an app
        // bound to it through node-2 gets credentials that H2's own JDBC driver logs in with
        ExamplePlugin.offerTo(dea4);
        dea4.shell("feature:repo-add " + ExamplePlugin.REPOSITORY);
        long installAt = System.nanoTime();
        String added = dea4.shell("kato:role-add h2");
        assertTrue(added, added.contains("Added roles: h2"));
        long activeAt = System.nanoTime();
        for (String api : List.of(api1, api2)) {
            while (Api.JSON.readTree(Api.call(api, token, "GET", "/v2/services?q=label:h2", null).body()).path("resources").isEmpty()) {
                assertTrue("h2 in the marketplace of " + api, StratoNode.secondsSince(activeAt) < 30);
                Thread.sleep(100);
            }
        }
        System.out.printf("[ScaleOutIT] example plugin: kato:role-add h2 took %.1f s; in both controllers' marketplaces %.1f s later%n",
                (activeAt - installAt) / 1e9, StratoNode.secondsSince(activeAt));
        assertEquals(0, node2.cli(home2, app, "create-service", "h2", "ledger").exit());
        StratoNode.CliResult bound = node2.cli(home2, app, "bind-service", "ledger", "scaled");
        assertEquals(bound.output(), 0, bound.exit());
        String guid = appResource(api1, token, "scaled").path("metadata").path("guid").asText();
        JsonNode credentials = Api.JSON.readTree(Api.call(api1, token, "GET", "/v2/apps/" + guid + "/env", null).body())
                .path("system_env_json").path("VCAP_SERVICES").path("h2").path(0).path("credentials");
        try (Connection c = DriverManager.getConnection(credentials.path("uri").asText(), credentials.path("username").asText(),
                credentials.path("password").asText()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE entries (amount INT)");
            st.execute("INSERT INTO entries VALUES (42)");
            try (ResultSet rs = st.executeQuery("SELECT SUM(amount) FROM entries")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        }

        // the API through haproxy in front of both controllers, for the CLI and for a throughput figure
        String apiLb = "http://127.0.0.1:" + lb.apiPort();
        Path homeLb = Files.createDirectories(WORK.resolve("cli-haproxy"));
        login(node1, homeLb, app, apiLb);
        System.out.printf("[ScaleOutIT] GET /v2/apps, 8 clients for 4 s: node-1 alone %.0f req/s, haproxy over both controllers %.0f req/s%n",
                requestsPerSecond(api1, token), requestsPerSecond(apiLb, token));

        // kill -9 node-1's Karaf JVM: node-2 answers, haproxy keeps answering, staging goes on
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        AtomicReference<Boolean> probing = new AtomicReference<>(true);
        Thread prober = new Thread(() -> {
            while (probing.get()) {
                requests.incrementAndGet();
                try {
                    if (!StratoNode.routerGet(lb.appPort(), "scaled.localhost").contains("scaled v1")) {
                        failures.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
            }
        });
        prober.start();
        long killedAt = System.nanoTime();
        node1.killKarafJvm();
        try (Socket database = new Socket("127.0.0.1", node1.storePort())) {
            assertTrue("the cluster's database server outlives its node's JVM", database.isConnected());
        }
        long apiBackAt = 0;
        while (StratoNode.secondsSince(killedAt) < 60) {
            StratoNode.CliResult apps = node2.cli(home2, app, "apps");
            if (apps.exit() == 0 && apps.output().contains("scaled")) {
                apiBackAt = System.nanoTime();
                break;
            }
            Thread.sleep(500);
        }
        assertTrue("node-2's controller answers the CLI after node-1's JVM was killed", apiBackAt != 0);
        System.out.printf("[ScaleOutIT] node-1 killed -> node-2 answers `strato apps` after %.1f s%n", (apiBackAt - killedAt) / 1e9);

        StratoNode.CliResult viaLb = node1.cli(homeLb, app, "apps");
        assertTrue("the CLI through haproxy keeps working: " + viaLb.output(), viaLb.exit() == 0 && viaLb.output().contains("scaled"));

        Path second = writeApp("second", "v1");
        long push2At = System.nanoTime();
        StratoNode.CliResult push2 = node2.cli(home2, second, "push", "second");
        assertEquals(push2.output(), 0, push2.exit());
        awaitBody(lb.appPort(), "second.localhost", "second v1", Duration.ofSeconds(90));
        System.out.printf("[ScaleOutIT] push through node-2 while node-1 is down -> 200 after %.1f s%n", StratoNode.secondsSince(push2At));

        Thread.sleep(2000);
        probing.set(false);
        prober.join();
        System.out.printf("[ScaleOutIT] haproxy in front of two routers: %d of %d requests failed while node-1 died%n",
                failures.get(), requests.get());
        assertEquals("haproxy retries on the live router: no request fails", 0, failures.get());

        // the official Cloud Foundry Java client, unchanged, against the controller that is left
        DefaultConnectionContext connection = DefaultConnectionContext.builder().apiHost("127.0.0.1").port(node2.httpPort)
                .secure(false).build();
        try {
            PasswordGrantTokenProvider login = PasswordGrantTokenProvider.builder().username(USER).password(PASSWORD).build();
            DefaultCloudFoundryOperations cf = DefaultCloudFoundryOperations.builder()
                    .cloudFoundryClient(ReactorCloudFoundryClient.builder().connectionContext(connection).tokenProvider(login).build())
                    .organization("default").space("default").build();
            List<String> names = cf.applications().list().map(ApplicationSummary::getName).collectList().block(Duration.ofMinutes(2));
            assertTrue(String.valueOf(names), names.containsAll(List.of("scaled", "second")));
            ApplicationDetail detail = cf.applications().get(GetApplicationRequest.builder().name("second").build())
                    .block(Duration.ofMinutes(2));
            assertEquals("RUNNING", detail.getInstanceDetails().get(0).getState());
            assertEquals(List.of("second.localhost"), detail.getUrls());
        } finally {
            connection.dispose();
        }

        // node-2 logs while the primary is down: the line reaches the primary once it is back
        String marker = "logged while the primary was down " + System.nanoTime();
        node2.shell("log:log --level WARNING \"" + marker + "\"");

        // node-2's health manager replaces a killed instance
        node2.awaitShell("kato:status", st -> st.contains("Health manager: acting on node-2"), Duration.ofSeconds(60));
        String before = StratoNode.routerGet(router2, "second.localhost");
        HostProcesses.killListener(instancePort(api2, token, "second"));
        long crashAt = System.nanoTime();
        String after = awaitAnswer(lb.appPort(), "second.localhost", a -> a.contains("second v1") && !a.equals(before),
                Duration.ofSeconds(60));
        System.out.printf("[ScaleOutIT] an instance killed while node-1 is down -> a new one serves after %.1f s (%s -> %s)%n",
                StratoNode.secondsSince(crashAt), before.strip(), after.strip());

        // node-1 comes back: it adopts the database server that kept running, and sees the app pushed and the
        // change made while it was down
        node1.start();
        node1.awaitReady(Duration.ofSeconds(180));
        String adopted = node1.awaitShell("kato:store-status", st -> SERVER_PID.matcher(st).find(), Duration.ofSeconds(120));
        assertTrue(adopted, adopted.contains("running, pid " + serverPid.group(1) + ","));
        assertTrue(node1.log().contains("Adopted the Derby network server that was still running (pid " + serverPid.group(1)));
        String tail = node1.awaitShell("kato:log-tail --node node-2 -n 2000", t -> t.contains(marker), Duration.ofSeconds(90));
        assertTrue(tail, tail.contains("node-2 WARN"));
        assertEquals(1, Files.readString(node1.home.resolve("data/log/cluster.log")).lines().filter(l -> l.contains(marker)).count());
        String token1 = awaitToken(api1);
        HttpResponse<String> list = Api.call(api1, token1, "GET", "/v2/apps?q=name:second", null);
        assertEquals(list.body(), 1, Api.JSON.readTree(list.body()).path("resources").size());
        assertEquals(3, appEntity(api1, token1, "scaled").path("instances").asInt());
        assertTrue(StratoNode.routerGet(router1, "second.localhost").contains("second v1"));
    }

    /** Successful {@code GET /v2/apps} per second from 8 clients over 4 s: a figure, not a goal. */
    private static double requestsPerSecond(String api, String token) throws Exception {
        AtomicInteger ok = new AtomicInteger();
        long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        if (Api.call(api, token, "GET", "/v2/apps", null).statusCode() == 200) {
                            ok.incrementAndGet();
                        }
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        return ok.get() / 4.0;
    }

    private static int routerPort(int slot) {
        return 20000 + 100 * slot + 6;
    }

    private static Path writeApp(String name, String version) throws IOException {
        Path app = Files.createDirectories(WORK.resolve("apps").resolve(name));
        Files.writeString(app.resolve("package.json"),
                "{\"name\":\"" + name + "\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n");
        // each process draws an id, so a replaced instance shows as another answer
        Files.writeString(app.resolve("server.js"), "const id = require('crypto').randomBytes(6).toString('hex');\n"
                + "require('http').createServer((q, s) => { console.log('served ' + q.url); s.end('" + name + " " + version
                + " ' + id + '\\n'); }).listen(process.env.PORT);\n");
        return app;
    }

    private static void login(StratoNode node, Path home, Path dir, String api) throws Exception {
        assertEquals(0, node.cli(home, dir, "target", api).exit());
        StratoNode.CliResult login = node.cli(home, dir, "login", "--username", USER, "--password", PASSWORD);
        assertEquals(login.output(), 0, login.exit());
    }

    private static JsonNode appEntity(String api, String token, String name) throws Exception {
        return appResource(api, token, name).path("entity");
    }

    /** The app's resource (metadata and entity) as a controller lists it. */
    private static JsonNode appResource(String api, String token, String name) throws Exception {
        HttpResponse<String> r = Api.call(api, token, "GET", "/v2/apps?q=name:" + name, null);
        assertEquals(r.body(), 200, r.statusCode());
        return Api.JSON.readTree(r.body()).path("resources").path(0);
    }

    /** The port of instance 0 of an app, from its stats. */
    private static int instancePort(String api, String token, String name) throws Exception {
        String guid = Api.JSON.readTree(Api.call(api, token, "GET", "/v2/apps?q=name:" + name, null).body())
                .path("resources").path(0).path("metadata").path("guid").asText();
        JsonNode stats = Api.JSON.readTree(Api.call(api, token, "GET", "/v2/apps/" + guid + "/stats", null).body());
        return stats.path("0").path("stats").path("port").asInt();
    }

    private static String awaitToken(String api) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                return Api.token(api, USER, PASSWORD);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    private static void awaitBody(int port, String host, String expected, Duration timeout) throws Exception {
        awaitAnswer(port, host, a -> a.contains(expected), timeout);
    }

    /** Requests {@code host} through 127.0.0.1:{@code port} until an answer (status line and body) passes {@code ok}. */
    private static String awaitAnswer(int port, String host, java.util.function.Predicate<String> ok, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = StratoNode.routerGet(port, host);
                if (ok.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(300);
        }
        throw new AssertionError(host + " through port " + port + " did not answer as expected within " + timeout + "; last: " + last);
    }

    private StratoNode node(String name, int slot) throws Exception {
        StratoNode n = new StratoNode(name, slot, WORK.resolve("nodes"));
        nodes.add(n);
        return n;
    }
}
