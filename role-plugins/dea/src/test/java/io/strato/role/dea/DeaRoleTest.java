package io.strato.role.dea;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.LogLine;
import io.strato.api.app.RouteEntry;
import io.strato.api.app.RouterEndpoint;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.cluster.Topic;
import io.strato.api.json.Json;
import io.strato.api.sandbox.Sandbox;
import io.strato.api.sandbox.UidRange;
import io.strato.testkit.TestBlobStore;
import io.strato.testkit.TestCluster;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DeaRoleTest {

    private static final String SECRET = "cluster-secret";
    /** Answers with its pid and environment, writes a line to each stream. */
    private static final String SERVER_JS = """
            const http = require('http');
            const fs = require('fs');
            http.createServer((req, res) => {
              res.setHeader('Content-Type', 'application/json');
              res.end(JSON.stringify({pid: process.pid, uid: process.getuid(), cwd: process.cwd(), env: process.env,
                                      hook: fs.existsSync('hook.txt')}));
            }).listen(process.env.PORT, () => {
              console.log('listening on ' + process.env.PORT);
              console.error('a line on stderr');
            });
            """;

    @TempDir
    Path baseDir;

    private final String deaId = "dea-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<LogLine> logs = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalSharedState state;
    private TestBlobStore blobs;
    private DeaRole dea;

    @BeforeAll
    static void needsNode() throws Exception {
        assumeTrue(new ProcessBuilder("bash", "-c", "command -v node").start().waitFor() == 0, "node is not installed");
    }

    @BeforeEach
    void start() throws IOException {
        state = new LocalSharedState();
        blobs = new TestBlobStore(SECRET);
        blobs.blobs.put("/droplets/web", droplet(Map.of("server.js", SERVER_JS), "node server.js",
                List.of("echo hooked > hook.txt"), Map.of("FROM_DROPLET", "${STACKATO_APP_ROOT}/lib")));
        state.topic(Channels.APP_LOGS).subscribe(m -> logs.add(Json.read(m, LogLine.class)));
        dea = newDea(1024, Duration.ofSeconds(20));
    }

    private DeaRole newDea(long memoryMb, Duration startTimeout) {
        int from = 40000 + (int) (Math.random() * 20000);
        return new DeaRole(state, new TestCluster(deaId), () -> SECRET, new DeaSettings(memoryMb, from, from + 200, baseDir,
                UidRange.DEFAULT, 4096, 64, startTimeout, Duration.ofSeconds(3)));
    }

    @AfterEach
    void stop() {
        dea.deactivate();
        blobs.close();
        state.close();
    }

    @Test
    void runsADropletRegistersItsRouteAndGivesItTheCloudFoundryEnvironment() throws Exception {
        order(start("i-1", 0, 256, List.of("Web.Example.com", "www.example.com/shop")));
        InstanceStatus running = awaitStatus("i-1", InstanceState.RUNNING);
        assertEquals(deaId, running.deaId());
        assertEquals("127.0.0.1", running.address());
        assertEquals(256, running.memoryMb());

        RouteEntry route = Json.read(state.map(Channels.ROUTES).get("web.example.com|i-1").orElseThrow(), RouteEntry.class);
        assertEquals(new RouteEntry("web.example.com", "127.0.0.1", running.port(), "app-guid", "i-1", 0), route);
        assertTrue(state.map(Channels.ROUTES).get("www.example.com|i-1").isPresent());

        JsonNode answer = get(running.port());
        JsonNode env = answer.path("env");
        Path home = baseDir.resolve("instances").resolve("i-1");
        assertEquals(String.valueOf(running.port()), env.path("PORT").asText());
        assertEquals(String.valueOf(running.port()), env.path("VCAP_APP_PORT").asText());
        assertEquals("0.0.0.0", env.path("VCAP_APP_HOST").asText());
        assertEquals(home.toString(), env.path("HOME").asText());
        assertEquals(home.resolve("app").toString(), answer.path("cwd").asText());
        assertEquals("shop", env.path("STACKATO_APP_NAME").asText());
        assertEquals("256m", env.path("MEMORY_LIMIT").asText());
        assertEquals("from the app", env.path("GREETING").asText());
        assertEquals(home.resolve("app/lib").toString(), env.path("FROM_DROPLET").asText());
        assertEquals("{\"mydb\":[]}", env.path("VCAP_SERVICES").asText());
        assertTrue(answer.path("hook").asBoolean(), "the pre-running hook ran before the app");

        JsonNode vcap = Json.mapper().readTree(env.path("VCAP_APPLICATION").asText());
        assertEquals("i-1", vcap.path("instance_id").asText());
        assertEquals(0, vcap.path("instance_index").asInt());
        assertEquals("app-guid", vcap.path("application_id").asText());
        assertEquals("shop", vcap.path("application_name").asText());
        assertEquals("shop", vcap.path("name").asText());
        assertEquals("Web.Example.com", vcap.path("uris").path(0).asText());
        assertEquals("Web.Example.com", vcap.path("application_uris").path(0).asText());
        assertEquals(256, vcap.path("limits").path("mem").asInt());
        assertEquals(4096, vcap.path("limits").path("fds").asInt());
        assertEquals(running.port(), vcap.path("port").asInt());
        assertEquals("v1", vcap.path("version").asText());
        assertTrue(vcap.path("started_at").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000"));

        await(() -> logs.stream().anyMatch(l -> l.source().equals("App") && l.stream().equals("stdout")
                && l.line().equals("listening on " + running.port()) && l.index() == 0), "stdout reaches the app log");
        await(() -> logs.stream().anyMatch(l -> l.stream().equals("stderr") && l.line().equals("a line on stderr")),
                "stderr reaches the app log");
        DeaAdvertisement ad = Json.read(state.map(Channels.DEA_ADVERTISEMENTS).get(deaId).orElseThrow(),
                DeaAdvertisement.class);
        assertEquals(1024 - 256, ad.memoryFreeMb());
        assertEquals(1, ad.instances());
    }

    @Test
    void aKilledInstanceIsReportedCrashedAndLosesItsRouteUntilStopped() throws Exception {
        order(start("i-2", 0, 128, List.of("crash.example.com")));
        InstanceStatus running = awaitStatus("i-2", InstanceState.RUNNING);
        long pid = appProcess("i-2").pid();
        new ProcessBuilder("kill", "-9", String.valueOf(pid)).start().waitFor();

        InstanceStatus crashed = awaitStatus("i-2", InstanceState.CRASHED);
        assertEquals(137, crashed.exitStatus());
        assertEquals("killed by signal 9 (SIGKILL)", crashed.reason());
        assertTrue(state.map(Channels.ROUTES).get("crash.example.com|i-2").isEmpty(), "the route went with the crash");
        assertEquals(1024, Json.read(state.map(Channels.DEA_ADVERTISEMENTS).get(deaId).orElseThrow(),
                DeaAdvertisement.class).memoryFreeMb());
        Thread.sleep(Channels.OWNED_TTL.toMillis() / 3 + 500);
        assertEquals(InstanceState.CRASHED, status("i-2").orElseThrow().state(), "the crash stays listed");

        order(start("i-2", 0, 128, List.of("crash.example.com")));
        InstanceStatus restarted = awaitStatus("i-2", InstanceState.RUNNING);
        assertTrue(get(restarted.port()).path("hook").asBoolean(), "a START again replaces the crashed instance");

        order(new InstanceOrder(deaId, InstanceOrder.Action.STOP, "app-guid", "shop", null, 0, null, null, 0, 0,
                null, null, null, null, 0));
        await(() -> status("i-2").isEmpty(), "STOP of app and index clears the instance");
        await(() -> !Files.exists(baseDir.resolve("instances/i-2")), "its directory is removed");
    }

    @Test
    void stopEndsTheProcessTreeAndRemovesStatusRouteAndDirectory() throws Exception {
        blobs.blobs.put("/droplets/tree", droplet(Map.of("server.js", SERVER_JS), "sleep 300 & node server.js; wait",
                List.of(), Map.of()));
        InstanceOrder start = new InstanceOrder(deaId, InstanceOrder.Action.START, "app-guid", "shop", "v2", 1, "i-3",
                blobs.url("/droplets/tree"), 128, 1024, null, List.of("tree.example.com"), Map.of(), null, 20001);
        order(start);
        InstanceStatus running = awaitStatus("i-3", InstanceState.RUNNING);
        ProcessHandle node = appProcess("i-3");
        ProcessHandle shell = node.parent().orElseThrow();
        List<ProcessHandle> tree = shell.descendants().toList();
        assertTrue(tree.size() >= 2, "the shell runs sleep and node");

        order(new InstanceOrder(deaId, InstanceOrder.Action.STOP, "app-guid", null, null, -1, "i-3", null, 0, 0,
                null, null, null, null, 0));
        await(() -> status("i-3").isEmpty(), "the status is removed");
        assertTrue(state.map(Channels.ROUTES).get("tree.example.com|i-3").isEmpty());
        await(() -> !shell.isAlive() && tree.stream().noneMatch(ProcessHandle::isAlive), "no process of it is left");
        await(() -> !Files.exists(baseDir.resolve("instances/i-3")), "its directory is removed");
    }

    @Test
    void deactivationStopsEveryInstance() throws Exception {
        order(start("i-4", 0, 128, List.of("a.example.com")));
        order(start("i-5", 1, 128, List.of("a.example.com")));
        awaitStatus("i-4", InstanceState.RUNNING);
        awaitStatus("i-5", InstanceState.RUNNING);
        long pid4 = appProcess("i-4").pid();
        long pid5 = appProcess("i-5").pid();

        dea.deactivate();
        assertFalse(ProcessHandle.of(pid4).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(ProcessHandle.of(pid5).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(Map.of(), state.map(Channels.INSTANCES).entries());
        assertEquals(Map.of(), state.map(Channels.ROUTES).entries());
        assertTrue(state.map(Channels.DEA_ADVERTISEMENTS).get(deaId).isEmpty());
        dea = newDea(1024, Duration.ofSeconds(20));
    }

    @Test
    void stopOfAllInstancesOfOneVersionLeavesTheOtherVersion() throws Exception {
        order(start("i-13", 0, 64, List.of("v.example.com")));
        order(new InstanceOrder(deaId, InstanceOrder.Action.START, "app-guid", "shop", "v2", 1, "i-14",
                blobs.url("/droplets/web"), 64, 64, null, List.of("v.example.com"), Map.of(), null, 20001));
        awaitStatus("i-13", InstanceState.RUNNING);
        awaitStatus("i-14", InstanceState.RUNNING);
        order(new InstanceOrder(deaId, InstanceOrder.Action.STOP, "other-app", null, null, -1, null, null, 0, 0,
                null, null, null, null, 0));
        order(new InstanceOrder(deaId, InstanceOrder.Action.STOP, "app-guid", null, "v1", -1, null, null, 0, 0,
                null, null, null, null, 0));
        await(() -> status("i-13").isEmpty(), "the v1 instance stops");
        assertEquals(InstanceState.RUNNING, status("i-14").orElseThrow().state());
        assertTrue(state.map(Channels.ROUTES).get("v.example.com|i-14").isPresent());
        assertTrue(state.map(Channels.ROUTES).get("v.example.com|i-13").isEmpty());
    }

    @Test
    void aStartThatDoesNotFitIsRefused() throws Exception {
        order(start("i-6", 0, 768, List.of()));
        awaitStatus("i-6", InstanceState.RUNNING);
        order(start("i-7", 1, 512, List.of("big.example.com")));
        InstanceStatus refused = awaitStatus("i-7", InstanceState.CRASHED);
        assertEquals("insufficient memory: needs 512 MB, 256 MB free of 1024 MB on this DEA", refused.reason());
        assertEquals(256, Json.read(state.map(Channels.DEA_ADVERTISEMENTS).get(deaId).orElseThrow(),
                DeaAdvertisement.class).memoryFreeMb());
        order(new InstanceOrder(deaId, InstanceOrder.Action.STOP, "app-guid", "shop", null, 1, null, null, 0, 0,
                null, null, null, null, 0));
        await(() -> status("i-7").isEmpty(), "STOP of app and index clears the refused instance");
        assertEquals(InstanceState.RUNNING, status("i-6").orElseThrow().state());
    }

    @Test
    void anAppThatNeverListensOrCannotBeFetchedCrashesWithAReason() throws Exception {
        dea.deactivate();
        dea = newDea(1024, Duration.ofSeconds(2));
        blobs.blobs.put("/droplets/deaf", droplet(Map.of(), "sleep 300", List.of(), Map.of()));
        order(new InstanceOrder(deaId, InstanceOrder.Action.START, "deaf", "deaf", "v1", 0, "i-8",
                blobs.url("/droplets/deaf"), 64, 64, null, List.of(), Map.of(), null, 20001));
        InstanceStatus deaf = awaitStatus("i-8", InstanceState.CRASHED);
        assertTrue(deaf.reason().startsWith("did not listen on port " + deaf.port() + " within 2 s"), deaf.reason());

        order(new InstanceOrder(deaId, InstanceOrder.Action.START, "gone", "gone", "v9", 0, "i-9",
                blobs.url("/droplets/missing"), 64, 64, null, List.of(), Map.of(), null, 20001));
        assertEquals("could not download the droplet: HTTP 404 from " + blobs.url("/droplets/missing"),
                awaitStatus("i-9", InstanceState.CRASHED).reason());
    }

    @Test
    void aFailureAfterTheLaunchEndsTheProcessItCrashesWith() throws Exception {
        // the pid file cannot be written once the process runs
        Files.delete(baseDir.resolve("pids"));
        Files.writeString(baseDir.resolve("pids"), "in the way");
        blobs.blobs.put("/droplets/sleeper", droplet(Map.of(), "exec sleep 3017", List.of(), Map.of()));
        order(new InstanceOrder(deaId, InstanceOrder.Action.START, "sleeper", "sleeper", "v1", 0, "i-15",
                blobs.url("/droplets/sleeper"), 64, 64, null, List.of(), Map.of(), null, 20001));
        InstanceStatus crashed = awaitStatus("i-15", InstanceState.CRASHED);
        assertTrue(crashed.reason().startsWith("could not start: "), crashed.reason());
        Thread.sleep(1000);
        assertEquals(1, new ProcessBuilder("pgrep", "-f", "^sleep 3017$").start().waitFor(),
                "the process of the crashed instance was ended");
    }

    @Test
    void anUnexpectedErrorAfterTheLaunchIsACrashThatEndsTheProcess() throws Exception {
        state.topic(Channels.APP_LOGS).subscribe(m -> {
            if (m.contains("Starting instance 0 of sleeper")) {
                throw new IllegalStateException("the log is down");
            }
        });
        blobs.blobs.put("/droplets/sleeper", droplet(Map.of(), "exec sleep 3018", List.of(), Map.of()));
        order(new InstanceOrder(deaId, InstanceOrder.Action.START, "sleeper", "sleeper", "v1", 0, "i-16",
                blobs.url("/droplets/sleeper"), 64, 64, null, List.of(), Map.of(), null, 20001));
        InstanceStatus crashed = awaitStatus("i-16", InstanceState.CRASHED);
        assertTrue(crashed.reason().contains("the log is down"), crashed.reason());
        Thread.sleep(1000);
        assertEquals(1, new ProcessBuilder("pgrep", "-f", "^sleep 3018$").start().waitFor(),
                "the process of the crashed instance was ended");
    }

    @Test
    void outputWithoutNewlinesIsLoggedInBoundedPieces() throws Exception {
        blobs.blobs.put("/droplets/chatty", droplet(Map.of(), "head -c 40000 /dev/zero | tr '\\0' x; echo; exec sleep 300",
                List.of(), Map.of()));
        order(new InstanceOrder(deaId, InstanceOrder.Action.START, "chatty", "chatty", "v1", 0, "i-17",
                blobs.url("/droplets/chatty"), 64, 64, null, List.of(), Map.of(), null, 20001));
        await(() -> logs.stream().anyMatch(l -> l.appGuid().equals("chatty") && l.line().equals("x".repeat(40000 - 2 * 16384))),
                "the last piece of the long line is logged");
        assertEquals(List.of(16384, 16384, 40000 - 2 * 16384), logs.stream()
                .filter(l -> l.appGuid().equals("chatty") && l.source().equals("App")).map(l -> l.line().length()).toList());
    }

    @Test
    void aRefreshUnderWayDoesNotWriteBackTheRoutesOfAStoppedInstance() throws Exception {
        // the periodic refresh pauses as it writes back the route of i-18
        CountDownLatch refreshing = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean();
        SharedState gated = new SharedState() {
            @Override
            public SharedMap map(String name) {
                SharedMap map = state.map(name);
                if (!name.equals(Channels.ROUTES)) {
                    return map;
                }
                return (SharedMap) Proxy.newProxyInstance(SharedMap.class.getClassLoader(), new Class<?>[] {SharedMap.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("put") && "gone.example.com|i-18".equals(args[0]) && armed.get()
                                    && Thread.currentThread().getName().equals("strato-dea-refresh")) {
                                refreshing.countDown();
                                resume.await();
                            }
                            try {
                                return method.invoke(map, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }

            @Override
            public Topic topic(String name) {
                return state.topic(name);
            }
        };
        dea.deactivate();
        int from = 40000 + (int) (Math.random() * 20000);
        dea = new DeaRole(gated, new TestCluster(deaId), () -> SECRET, new DeaSettings(1024, from, from + 200, baseDir, UidRange.DEFAULT,
                4096, 64, Duration.ofSeconds(20), Duration.ofSeconds(3)));
        order(start("i-18", 0, 64, List.of("gone.example.com")));
        awaitStatus("i-18", InstanceState.RUNNING);
        armed.set(true);
        assertTrue(refreshing.await(Channels.OWNED_TTL.toMillis(), TimeUnit.MILLISECONDS), "a refresh came");

        Thread stopper = new Thread(() -> order(new InstanceOrder(deaId, InstanceOrder.Action.STOP, "app-guid", null,
                null, -1, "i-18", null, 0, 0, null, null, null, null, 0)));
        stopper.start();
        Thread.sleep(300);
        resume.countDown();
        stopper.join(10_000);
        await(() -> status("i-18").isEmpty(), "the instance is stopped");
        assertTrue(state.map(Channels.ROUTES).get("gone.example.com|i-18").isEmpty(), "the route stays removed");
    }

    @Test
    void anInstanceOverItsMemoryLimitIsKilledAndSaysWhy() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/sys/fs/cgroup/memory")) || Files.isWritable(Path.of("/sys/fs/cgroup/strato-dea")),
                "no writable cgroup memory controller");
        blobs.blobs.put("/droplets/hog", droplet(Map.of(), "node -e 'const a = []; for (;;) a.push(Buffer.alloc(1e7, 1))'",
                List.of(), Map.of()));
        order(new InstanceOrder(deaId, InstanceOrder.Action.START, "hog", "hog", "hog-1", 0, "i-10",
                blobs.url("/droplets/hog"), 96, 64, null, List.of(), Map.of(), null, 20001));
        InstanceStatus crashed = awaitStatus("i-10", InstanceState.CRASHED);
        assertEquals("out of memory: went over its 96 MB limit", crashed.reason());
        assertEquals(137, crashed.exitStatus());
    }

    @Test
    void eachAppRunsAsItsOwnUidAndCannotReadAnotherAppsEnvironmentOrFiles() throws Exception {
        assumeTrue(Sandbox.nodeRunsAsRoot(), "the DEA does not run as root");
        order(start("i-11", 0, 128, List.of("one.example.com")));
        InstanceOrder other = new InstanceOrder(deaId, InstanceOrder.Action.START, "other-guid", "other", "v1", 0, "i-21",
                blobs.url("/droplets/web"), 128, 1024, null, List.of("two.example.com"),
                Map.of("OTHER_SECRET", "s3cret-of-two"), "{}", 20002);
        order(other);
        JsonNode one = get(awaitStatus("i-11", InstanceState.RUNNING).port());
        JsonNode two = get(awaitStatus("i-21", InstanceState.RUNNING).port());
        assertEquals(20001, one.path("uid").asInt());
        assertEquals(20002, two.path("uid").asInt());
        assertTrue(one.path("hook").asBoolean(), "the hook could write into the app directory");
        assertEquals("s3cret-of-two", two.path("env").path("OTHER_SECRET").asText());

        // as app one's uid, from app one's directory: app two's environment, files and process are out of reach
        long twoPid = appProcess("i-21").pid();
        String probe = "cat /proc/" + twoPid + "/environ 2>/dev/null | tr '\\0' '\\n' | grep -c OTHER_SECRET;"
                + " ls " + baseDir.resolve("instances/i-21") + " >/dev/null 2>&1 && echo listed || echo refused;"
                + " kill -0 " + twoPid + " 2>/dev/null && echo signalled || echo unsignalled";
        Process p = new ProcessBuilder("setpriv", "--reuid=20001", "--regid=20001", "--clear-groups", "--", "bash", "-c",
                probe).redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).strip().lines().toList();
        assertEquals(List.of("0", "refused", "unsignalled"), out);
    }

    @Test
    void appsReachTheirBoundServicesAndRoutersButNoOtherPortOfTheNode() throws Exception {
        assumeTrue(Sandbox.nodeRunsAsRoot(), "the DEA does not run as root");
        assumeTrue(new ProcessBuilder("iptables", "-w", "-n", "-L", "OUTPUT").start().waitFor() == 0, "no iptables");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket service = new ServerSocket(0, 50, loopback);
             ServerSocket internal = new ServerSocket(0, 50, loopback);
             ServerSocket router = new ServerSocket(0, 50, loopback)) {
            state.map(Channels.ROUTERS).put("node-r", Json.write(new RouterEndpoint("0.0.0.0", router.getLocalPort())));
            String services = "{\"redis\":[{\"name\":\"cache\",\"credentials\":{\"host\":\"127.0.0.1\",\"port\":"
                    + service.getLocalPort() + "}}]}";
            order(new InstanceOrder(deaId, InstanceOrder.Action.START, "app-guid", "shop", "v1", 0, "i-22",
                    blobs.url("/droplets/web"), 128, 1024, null, List.of("net.example.com"), Map.of(), services, 20001));
            awaitStatus("i-22", InstanceState.RUNNING);
            // a second DEA on the same machine, with no instance of this app, refuses it nothing
            int from = 40000 + (int) (Math.random() * 20000);
            DeaRole other = new DeaRole(state, new TestCluster("dea-other-" + UUID.randomUUID().toString().substring(0, 8)),
                    () -> SECRET, new DeaSettings(256, from, from + 10, baseDir.resolve("other"), UidRange.DEFAULT, 4096,
                    64, Duration.ofSeconds(20), Duration.ofSeconds(3)));
            try {
                Thread.sleep(Channels.OWNED_TTL.toMillis() / 3 + 500); // its rules are in place
                assertTrue(connects(20001, service.getLocalPort()), "the app reaches its bound service");
                assertTrue(connects(20001, router.getLocalPort()), "apps reach the routers");
            } finally {
                other.deactivate();
            }
            assertTrue(connects(20001, service.getLocalPort()), "the app reaches its bound service");
            assertFalse(connects(20002, service.getLocalPort()), "another app does not reach that service");
            assertFalse(connects(20001, internal.getLocalPort()), "a node-internal port is closed to apps");
            assertTrue(connects(20001, router.getLocalPort()), "apps reach the routers");
            assertTrue(connects(0, internal.getLocalPort()), "the node itself still connects");
        }
        dea.deactivate();
        assertFalse(new String(new ProcessBuilder("iptables", "-w", "-S").start().getInputStream().readAllBytes())
                .contains("STRATO-DEA-" + String.format("%04x", deaId.hashCode() & 0xffff)), "the DEA's rules go with it");
        dea = newDea(1024, Duration.ofSeconds(20));
    }

    /** Whether a process of {@code uid} on this machine can open a TCP connection to 127.0.0.1:port. */
    private static boolean connects(int uid, int port) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--", "bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/" + port).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    /** A user sets environment variables; only the controller's VCAP_SERVICES opens a directory for writing. */
    @Test
    void onlyBoundFilesystemDirectoriesAreWritableNotOnesTheAppsEnvironmentNames() throws Exception {
        assumeTrue(Sandbox.nodeRunsAsRoot(), "the DEA does not run as root");
        Path outside = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "fs-");
        Path bound = Files.createDirectories(outside.resolve("bound"));
        Path named = Files.createDirectories(outside.resolve("named"));
        for (Path p : List.of(outside, bound, named)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        blobs.blobs.put("/droplets/writer", droplet(Map.of("server.js", SERVER_JS),
                "touch " + bound + "/a; touch " + named + "/b; exec node server.js", List.of(), Map.of()));
        String services = "{\"filesystem\":[{\"name\":\"files\",\"credentials\":{\"dir\":\"" + bound + "\"}}]}";
        order(new InstanceOrder(deaId, InstanceOrder.Action.START, "fs-guid", "fs", "v1", 0, "i-23",
                blobs.url("/droplets/writer"), 128, 1024, null, List.of(), Map.of("STACKATO_FILESYSTEM_X", named.toString()),
                services, 20001));
        awaitStatus("i-23", InstanceState.RUNNING);
        assertTrue(Files.exists(bound.resolve("a")), "the bound filesystem service is writable");
        assertFalse(Files.exists(named.resolve("b")), "a directory the app's environment names is not");
    }

    @Test
    void anOrderForAUidOutsideTheRangeIsRefused() throws Exception {
        assumeTrue(Sandbox.nodeRunsAsRoot(), "the DEA does not run as root");
        for (int uid : new int[] {0, 65534}) {
            String id = "i-root-" + uid;
            order(new InstanceOrder(deaId, InstanceOrder.Action.START, "app-guid", "shop", "v1", 0, id,
                    blobs.url("/droplets/web"), 64, 64, null, List.of("root.example.com"), Map.of(), "{}", uid));
            InstanceStatus refused = awaitStatus(id, InstanceState.CRASHED);
            assertEquals("refused: uid " + uid + " is outside this DEA's app uid range 20000-29999", refused.reason());
        }
    }

    @Test
    void aBaseDirAppsCannotReachStopsTheDeaFromStarting() throws Exception {
        assumeTrue(Sandbox.nodeRunsAsRoot(), "the DEA does not run as root");
        Path locked = Files.createDirectory(baseDir.resolve("locked"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        dea.deactivate();
        int from = 40000 + (int) (Math.random() * 20000);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new DeaRole(state, new TestCluster(deaId),
                () -> SECRET, new DeaSettings(1024, from, from + 200, locked.resolve("dea"), UidRange.DEFAULT, 4096, 64,
                Duration.ofSeconds(20), Duration.ofSeconds(3))));
        assertTrue(e.getMessage().contains("apps cannot reach " + locked.resolve("dea/instances")), e.getMessage());
        dea = newDea(1024, Duration.ofSeconds(20));
    }

    @Test
    void aDeaStartingAfterItsNodeWasKilledEndsTheInstancesLeftBehind() throws Exception {
        order(start("i-12", 0, 128, List.of()));
        awaitStatus("i-12", InstanceState.RUNNING);
        long pid = appProcess("i-12").pid();
        ProcessHandle left = ProcessHandle.of(pid).orElseThrow();

        // a second DEA on the same directory, as after a kill -9 of the node, before the first is gone
        DeaRole restarted = newDea(1024, Duration.ofSeconds(20));
        try {
            await(() -> !left.isAlive(), "the instance left behind is killed");
            assertFalse(Files.exists(baseDir.resolve("instances/i-12")));
        } finally {
            restarted.deactivate();
        }
    }

    /**
     * The app's node process as the host sees it: inside its sandbox the app has a pid namespace of its own,
     * so the pid it reports is not the host's.
     */
    private ProcessHandle appProcess(String instanceId) throws IOException {
        long root = Long.parseLong(Files.readString(baseDir.resolve("pids").resolve(instanceId)).trim().split(" ")[0]);
        return ProcessHandle.of(root).orElseThrow().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/node")).orElse(false)).findFirst().orElseThrow();
    }

    private InstanceOrder start(String id, int index, long memoryMb, List<String> uris) {
        return new InstanceOrder(deaId, InstanceOrder.Action.START, "app-guid", "shop", "v1", index, id,
                blobs.url("/droplets/web"), memoryMb, 1024, null, uris, Map.of("GREETING", "from the app"),
                "{\"mydb\":[]}", 20001);
    }

    private void order(InstanceOrder order) {
        state.topic(Channels.DEA_ORDERS).publish(Json.write(order));
    }

    private Optional<InstanceStatus> status(String id) {
        return state.map(Channels.INSTANCES).get(id).map(s -> Json.read(s, InstanceStatus.class));
    }

    private InstanceStatus awaitStatus(String id, InstanceState wanted) throws InterruptedException {
        await(() -> status(id).map(s -> s.state() == wanted).orElse(false),
                "instance " + id + " reaches " + wanted + " (now " + status(id) + ")");
        return status(id).orElseThrow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private JsonNode get(int port) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        JsonNode json = Json.mapper().readTree(response.body());
        assertNotNull(json);
        return json;
    }

    static byte[] droplet(Map<String, String> files, String command, List<String> hooks, Map<String, String> env)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            Map<String, Object> descriptor = Map.of("start_command", command, "buildpack", "nodejs",
                    "pre_running_hooks", hooks, "env", env);
            add(tar, "strato-droplet.json", Json.write(descriptor));
            for (Map.Entry<String, String> f : files.entrySet()) {
                add(tar, f.getKey(), f.getValue());
            }
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(data.length);
        entry.setMode(0100644);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
