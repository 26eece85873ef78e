package io.strato.itests;

import org.junit.After;
import org.junit.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * A developer's day on an assembled micro cloud, through the shipped {@code bin/strato} CLI and the
 * router: push a Node.js app and a static site, scale, crash an instance, stop, delete.
 */
public class PushIT {

    private static final Path WORK = Path.of("target", "push");
    private static final Pattern INSTANCE = Pattern.compile("hello from instance (\\d+) id (\\w+) port (\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private StratoNode node;

    @After
    public void stopNode() throws InterruptedException {
        if (node != null) {
            node.close();
        }
    }

    @Test
    public void pushScaleCrashStopDelete() throws Exception {
        node = new StratoNode("cloud", 5, WORK.resolve("nodes"));
        int routerPort = 20000 + 100 * 5 + 6;
        node.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + routerPort);
        node.start().awaitReady(Duration.ofSeconds(180));
        String added = node.shell("kato:role-add micro-cloud");
        assertTrue(added, added.contains("Added roles: primary, controller, health-manager, stager, dea, router"));
        assertTrue(node.shell("kato:user-add --admin --password s3cret-pass dev").contains("dev"));

        Path cliHome = WORK.resolve("cli-home");
        StratoNode.deleteRecursively(cliHome);
        Files.createDirectories(cliHome);
        Path apps = WORK.resolve("apps");
        Path hello = Files.createDirectories(apps.resolve("hello"));
        Files.writeString(hello.resolve("package.json"), "{\"name\":\"hello\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n");
        Files.writeString(hello.resolve("server.js"), String.join("\n",
                "const http = require('http');",
                "const app = JSON.parse(process.env.VCAP_APPLICATION);",
                "const id = require('crypto').randomBytes(6).toString('hex');",
                "http.createServer((req, res) => res.end(`hello from instance ${app.instance_index} id ${id} port ${process.env.PORT}\\n`))",
                "  .listen(process.env.PORT, () => console.log('listening on ' + process.env.PORT));", ""));
        Path site = Files.createDirectories(apps.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>a static site on strato</h1>\n");

        assertEquals(0, node.cli(cliHome, apps, "target", "http://127.0.0.1:" + node.httpPort).exit());
        StratoNode.CliResult login = node.cli(cliHome, apps, "login", "--username", "dev", "--password", "s3cret-pass");
        assertEquals(login.output(), 0, login.exit());

        long pushStart = System.nanoTime();
        StratoNode.CliResult push = node.cli(cliHome, hello, "push", "hello");
        assertEquals(push.output(), 0, push.exit());
        assertTrue(push.output(), push.output().contains("-----> Detected runtime: nodejs"));
        assertTrue(push.output(), push.output().contains("http://hello.localhost:" + routerPort + "\n"));
        String first = awaitRouter(routerPort, "hello.localhost", "200", Duration.ofSeconds(30));
        System.out.printf("[PushIT] push to first 200 through the router: %.1f s%n", (System.nanoTime() - pushStart) / 1e9);
        assertTrue(first, first.contains("hello from instance 0"));

        // scale to 3: round robin reaches every instance
        assertEquals(0, node.cli(cliHome, apps, "scale", "hello", "--instances", "3").exit());
        Set<String> seen = new HashSet<>();
        String killId = null;
        int killPort = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (seen.size() < 3 && System.nanoTime() < deadline) {
            Matcher m = INSTANCE.matcher(StratoNode.routerGet(routerPort, "hello.localhost"));
            if (m.find()) {
                seen.add(m.group(1));
                if (m.group(1).equals("2")) {
                    killId = m.group(2);
                    killPort = Integer.parseInt(m.group(3));
                }
            }
            Thread.sleep(100);
        }
        assertEquals(Set.of("0", "1", "2"), seen);

        // kill -9 one instance: the crash is recorded, the killed pid never serves again, and the health manager
        // starts a new instance 2
        HostProcesses.killListener(killPort);
        long killedAt = System.nanoTime();
        String events = awaitCli(cliHome, apps, "app\\.crash\\s+2\\s+137\\s+killed by signal 9", Duration.ofSeconds(20),
                "events", "hello");
        System.out.printf("[PushIT] kill -9 to the crash event: %.1f s%n", (System.nanoTime() - killedAt) / 1e9);
        assertTrue(events, events.contains("app.crash"));
        String newId = null;
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (newId == null && System.nanoTime() < until) {
            String r = StratoNode.routerGet(routerPort, "hello.localhost");
            assertTrue(r, r.startsWith("HTTP/1.1 200"));
            assertFalse("no request reaches the killed instance: " + r, r.contains("id " + killId + " "));
            Matcher m = INSTANCE.matcher(r);
            if (m.find() && m.group(1).equals("2")) {
                newId = m.group(2);
            }
        }
        System.out.printf("[PushIT] kill -9 to a new instance 2 serving: %.1f s%n", (System.nanoTime() - killedAt) / 1e9);
        assertTrue("a new instance 2 serves", newId != null && !newId.equals(killId));

        // a static site
        StratoNode.CliResult pushSite = node.cli(cliHome, site, "push", "site");
        assertEquals(pushSite.output(), 0, pushSite.exit());
        assertTrue(awaitRouter(routerPort, "site.localhost", "200", Duration.ofSeconds(30)).contains("<h1>a static site on strato</h1>"));

        // an app that keeps crashing: restarted at once three times, then with a delay, and shown as FLAPPING
        // by the CLI and by kato:status
        Path flappy = Files.createDirectories(apps.resolve("flappy"));
        Files.writeString(flappy.resolve("package.json"), "{\"name\":\"flappy\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n");
        Files.writeString(flappy.resolve("server.js"), String.join("\n",
                "require('http').createServer((q, s) => s.end('up\\n')).listen(process.env.PORT);",
                "setTimeout(() => process.exit(3), 700);", ""));
        node.cli(cliHome, flappy, "push", "flappy"); // it may see the app running or crashed: either is right here
        String flapping = awaitCli(cliHome, apps, "0\\s+FLAPPING", Duration.ofSeconds(60), "app", "flappy");
        assertTrue(flapping, flapping.contains("next restart in"));
        String warned = node.awaitShell("kato:status", st -> st.contains("WARNING: app flappy is FLAPPING"), Duration.ofSeconds(20));
        assertTrue(warned, warned.contains("crashed"));
        String crashes = node.cli(cliHome, apps, "events", "flappy").output();
        assertTrue(crashes, crashes.lines().filter(l -> l.contains("app.crash") && l.contains(" 3 ")).count() >= 4);
        assertEquals(0, node.cli(cliHome, apps, "delete", "flappy", "--force").exit());

        // the blob store's disk full during a push (a 512 KB file system where uploads are written): a clear error,
        // nothing half-written, and the app serves the bits it had
        if ("root".equals(System.getProperty("user.name"))) {
            Path uploads = node.home.resolve("data/strato/blobs/tmp");
            Path big = hello.resolve("big.bin");
            byte[] noise = new byte[2 * 1024 * 1024];
            new java.util.Random(7).nextBytes(noise); // does not compress
            Files.write(big, noise);
            assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", uploads.toString())
                    .inheritIO().start().waitFor());
            try {
                StratoNode.CliResult full = node.cli(cliHome, hello, "push", "hello");
                assertTrue(full.output(), full.exit() != 0 && full.output().contains("could not take the upload")
                        && full.output().contains("the app keeps its previous bits")
                        && full.output().contains("'hello' was started again with its previous bits"));
                assertEquals(Set.of(), listing(uploads));
                assertTrue(awaitRouter(routerPort, "hello.localhost", "200", Duration.ofSeconds(60)).contains("hello from instance"));
            } finally {
                new ProcessBuilder("umount", uploads.toString()).inheritIO().start().waitFor();
                Files.delete(big);
            }
            assertTrue(node.log().contains("could not be stored: No space left on device"));
        }

        // stop: the route answers 404 as gorouter does
        assertEquals(0, node.cli(cliHome, apps, "stop", "hello").exit());
        String stopped = awaitRouter(routerPort, "hello.localhost", "404", Duration.ofSeconds(20));
        assertTrue(stopped, stopped.contains("404 Not Found: Requested route ('hello.localhost') does not exist."));

        // delete: gone from the API and from the blob store (in the database: the blob directory holds only tmp/)
        String blobApi = "http://127.0.0.1:" + node.httpPort;
        String blobToken = Api.token(blobApi, "dev", "s3cret-pass");
        String helloGuid = guidOf(blobApi, blobToken, "hello");
        String siteGuid = guidOf(blobApi, blobToken, "site");
        String blobAuth = io.strato.api.app.InternalAuth.token(node.shell("kato:cluster-secret").trim(), "blobstore");
        assertEquals(200, internalGet(blobApi, blobAuth, "/internal/v2/packages/" + helloGuid));
        assertEquals(Set.of("tmp"), listing(node.home.resolve("data/strato/blobs")));
        assertEquals(0, node.cli(cliHome, apps, "delete", "hello", "--force").exit());
        String list = node.cli(cliHome, apps, "apps").output();
        assertFalse(list, list.contains("hello"));
        assertTrue(list, list.contains("site"));
        assertEquals(404, internalGet(blobApi, blobAuth, "/internal/v2/packages/" + helloGuid));
        assertEquals(200, internalGet(blobApi, blobAuth, "/internal/v2/packages/" + siteGuid));
        assertEquals(1, node.cli(cliHome, apps, "app", "hello").exit());

        // kill -9 of the node while its controller writes to its database: after the restart Derby has recovered,
        // the API answers, and every change the API acknowledged is there
        String api = "http://127.0.0.1:" + node.httpPort;
        String token = Api.token(api, "dev", "s3cret-pass");
        String space = JSON.readTree(Api.call(api, token, "GET", "/v2/spaces?q=name:default", null).body())
                .path("resources").path(0).path("metadata").path("guid").asText();
        HttpResponse<String> created = Api.call(api, token, "POST", "/v2/apps", "{\"name\":\"ledger\",\"space_guid\":\"" + space + "\"}");
        assertEquals(created.body(), 201, created.statusCode());
        String ledger = JSON.readTree(created.body()).path("metadata").path("guid").asText();
        AtomicInteger acknowledged = new AtomicInteger(-1);
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; ; i++) {
                    if (Api.call(api, token, "PUT", "/v2/apps/" + ledger, "{\"environment_json\":{\"N\":\"" + i + "\"}}").statusCode() != 201) {
                        return;
                    }
                    acknowledged.set(i);
                }
            } catch (Exception e) {
                // the node was killed under it
            }
        });
        writer.start();
        while (acknowledged.get() < 20 && writer.isAlive()) {
            Thread.sleep(20);
        }
        node.kill();
        writer.join(30_000);
        int last = acknowledged.get();
        assertTrue("writes were acknowledged before the kill: " + last, last >= 20);
        long restartedAt = System.nanoTime();
        node.start().awaitReady(Duration.ofSeconds(180));
        long apiDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Api.answers(api) && System.nanoTime() < apiDeadline) {
            Thread.sleep(200); // the node is READY before its controller serves
        }
        HttpResponse<String> after = Api.call(api, Api.token(api, "dev", "s3cret-pass"), "GET", "/v2/apps/" + ledger, null);
        System.out.printf("[PushIT] killed after %d acknowledged writes -> API back after %.1f s%n", last + 1,
                (System.nanoTime() - restartedAt) / 1e9);
        assertEquals(after.body(), 200, after.statusCode());
        int kept = JSON.readTree(after.body()).path("entity").path("environment_json").path("N").asInt(-1);
        assertTrue("acknowledged up to " + last + ", kept " + kept, kept >= last);
    }

    private static String guidOf(String api, String token, String app) throws Exception {
        return JSON.readTree(Api.call(api, token, "GET", "/v2/apps?q=name:" + app, null).body())
                .path("resources").path(0).path("metadata").path("guid").asText();
    }

    /** The status of a blob store request, as a DEA or stager makes it (with the cluster's internal token). */
    private static int internalGet(String api, String internalToken, String path) throws Exception {
        return Api.call(api, internalToken, "GET", path, null).statusCode();
    }

    private static Set<String> listing(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return new HashSet<>(files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static String awaitRouter(int port, String host, String status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = StratoNode.routerGet(port, host);
            if (last.startsWith("HTTP/1.1 " + status)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(host + " never answered " + status + "; last: " + last);
    }

    private String awaitCli(Path cliHome, Path dir, String regex, Duration timeout, String... args) throws Exception {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = node.cli(cliHome, dir, args).output();
            if (p.matcher(last).find()) {
                return last;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("strato " + String.join(" ", args) + " never matched " + regex + "; last:\n" + last);
    }
}
