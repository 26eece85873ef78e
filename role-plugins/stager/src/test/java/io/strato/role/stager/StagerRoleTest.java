package io.strato.role.stager;

import io.strato.api.app.Channels;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.app.StagingEvent;
import io.strato.api.app.StagingRequest;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.json.Json;
import io.strato.api.sandbox.Sandbox;
import io.strato.api.sandbox.UidRange;
import io.strato.testkit.TestBlobStore;
import io.strato.testkit.TestCluster;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class StagerRoleTest {

    private static final String SECRET = "cluster-secret";

    @TempDir
    Path workDir;
    @TempDir
    Path outside;

    private LocalSharedState state;
    private TestBlobStore blobs;
    private StagerRole stager;
    private final BlockingQueue<StagingEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws IOException {
        state = new LocalSharedState();
        blobs = new TestBlobStore(SECRET);
        state.topic(Channels.STAGING_EVENTS).subscribe(m -> events.add(Json.read(m, StagingEvent.class)));
        stager = new StagerRole(state, new TestCluster("node-1"), () -> SECRET,
                new StagerSettings(workDir, 2, null, null, Duration.ofSeconds(60), UidRange.DEFAULT));
    }

    @AfterEach
    void stop() {
        stager.deactivate();
        blobs.close();
        state.close();
    }

    @Test
    void advertisesItselfAndWithdrawsOnStop() {
        String ad = state.map(Channels.STAGER_ADVERTISEMENTS).get("node-1").orElseThrow();
        assertEquals(new StagerAdvertisement("node-1", "node-1", 0), Json.read(ad, StagerAdvertisement.class));
        stager.deactivate();
        assertTrue(state.map(Channels.STAGER_ADVERTISEMENTS).get("node-1").isEmpty());
    }

    @Test
    void stagesANodeAppWithoutDependencies() throws Exception {
        assumeTrue(onPath("node"), "node is not installed");
        Staged staged = stage(Map.of(
                "package.json", "{\"name\":\"hello\",\"version\":\"1.0.0\",\"main\":\"server.js\"}",
                "server.js", "require('http').createServer((q,s)=>s.end('hi')).listen(process.env.PORT)"));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        assertEquals("nodejs", staged.outcome.detectedBuildpack());
        assertEquals("node server.js", staged.outcome.startCommand());
        assertEquals("node server.js", staged.descriptor().get("start_command"));
        assertTrue(staged.files.containsKey("server.js"));
        assertTrue(staged.lines.contains("-----> Detected runtime: nodejs"), staged.lines.toString());
        assertFalse(staged.lines.stream().anyMatch(l -> l.contains("npm install")), "nothing to install");
        assertNoTaskDirLeft();
    }

    @Test
    void installsNodeDependenciesAndStreamsNpmOutput() throws Exception {
        assumeTrue(onPath("npm"), "npm is not installed");
        Staged staged = stage(Map.of(
                "package.json", """
                        {"name": "withdeps", "version": "1.0.0",
                         "scripts": {"start": "node app.js"},
                         "dependencies": {"greeting": "file:./lib/greeting"}}""",
                "app.js", "console.log(require('greeting'))",
                "lib/greeting/package.json", "{\"name\": \"greeting\", \"version\": \"1.0.0\"}",
                "lib/greeting/index.js", "module.exports = 'hi'"));
        assertTrue(staged.outcome.success(), staged.outcome.error() + " " + staged.lines);
        assertEquals("node app.js", staged.outcome.startCommand());
        assertTrue(staged.lines.contains("-----> Installing dependencies"), staged.lines.toString());
        assertTrue(staged.lines.stream().anyMatch(l -> l.startsWith(CommandRunner.INDENT + "$ npm install --production")));
        assertTrue(staged.links.contains("node_modules/greeting"), "npm linked the local package: " + staged.links);
    }

    @Test
    void stagesARunnableJar() throws Exception {
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "app.Main");
        new JarOutputStream(jar, manifest).close();
        Staged staged = stageBytes(zipBytes(Map.of("lib.jar", "not a jar".getBytes(StandardCharsets.UTF_8),
                "server.jar", jar.toByteArray())));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        assertEquals("java", staged.outcome.detectedBuildpack());
        assertEquals("java -jar server.jar", staged.outcome.startCommand());
    }

    @Test
    void stagesAStaticSiteThatServesItsFiles() throws Exception {
        Staged staged = stage(Map.of("index.html", "<h1>static hello</h1>", "css/site.css", "h1{}"));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        assertEquals("static", staged.outcome.detectedBuildpack());
        assertEquals("java -jar .strato/static-server.jar", staged.outcome.startCommand());

        Path app = staged.unpackTo(outside.resolve("app"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", staged.outcome.startCommand()).directory(app.toFile())
                .redirectErrorStream(true).redirectOutput(outside.resolve("server.log").toFile());
        pb.environment().put("PORT", String.valueOf(port));
        Process server = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = null;
            for (int i = 0; i < 100 && page == null; i++) {
                try {
                    page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertNotNull(page, "the static server did not answer");
            assertEquals(200, page.statusCode());
            assertEquals("<h1>static hello</h1>", page.body());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            HttpResponse<String> hidden = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/strato-droplet.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, hidden.statusCode());
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void stagesAGenericCommandAppWithHooksAndProcfileLosingToTheManifest() throws Exception {
        Staged staged = stage(Map.of(
                "stackato.yml", """
                        name: worker
                        mem: 128M
                        env:
                          GREETING: hello
                        command: ./run.sh
                        hooks:
                          pre-staging:
                            - echo pre > pre.txt
                            - (sleep 296 &)
                          post-staging:
                            - echo "post sees $GREETING"
                            - cat pre.txt > post.txt
                          pre-running: echo starting
                        """,
                "Procfile", "web: ./other.sh\n",
                "run.sh", "#!/bin/sh\nexec sleep 1000\n"));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        assertEquals("generic", staged.outcome.detectedBuildpack());
        assertEquals("./run.sh", staged.outcome.startCommand());
        assertTrue(staged.lines.contains("-----> Running pre-staging hooks"), staged.lines.toString());
        assertTrue(staged.lines.contains(CommandRunner.INDENT + "post sees hello"), staged.lines.toString());
        assertEquals("pre\n", new String(staged.files.get("post.txt"), StandardCharsets.UTF_8));
        assertEquals(1, new ProcessBuilder("pgrep", "-f", "^sleep 296$").start().waitFor(), "no daemon of a hook is left");
        Map<?, ?> descriptor = staged.descriptor();
        assertEquals(List.of("echo starting"), descriptor.get("pre_running_hooks"));
        assertEquals(Map.of("GREETING", "hello"), descriptor.get("env"));
        assertEquals("generic", descriptor.get("buildpack"));
        assertTrue(staged.executable.contains("run.sh"), "the executable bit survives staging");
    }

    @Test
    void outputWithoutNewlinesIsLoggedInBoundedPieces() throws Exception {
        Staged staged = stage(Map.of("stackato.yml",
                "command: ./run.sh\nhooks:\n  pre-staging: head -c 40000 /dev/zero | tr '\\0' x; echo\n",
                "run.sh", "#!/bin/sh\n"));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        List<String> pieces = staged.lines.stream().filter(l -> l.startsWith(CommandRunner.INDENT + "x"))
                .map(l -> l.substring(CommandRunner.INDENT.length())).toList();
        assertEquals(List.of(16384, 16384, 40000 - 2 * 16384), pieces.stream().map(String::length).toList());
    }

    @Test
    void hooksSeeTheAppsEnvironmentButNotTheNodes() throws Exception {
        Set<String> given = Set.of("PATH", "HOME", "LANG", "npm_config_cache", "PIP_CACHE_DIR", "STACKATO_APP_ROOT",
                "STACKATO_APP_NAME", "STAGING", "MEMORY_LIMIT", "GREETING", "FROM_PUSH", "PWD", "SHLVL", "_", "OLDPWD");
        List<String> nodeOnly = System.getenv().keySet().stream().filter(k -> !given.contains(k)).toList();
        assumeTrue(!nodeOnly.isEmpty(), "the test runs with nothing in its environment to leak");
        Staged staged = stage(Map.of("stackato.yml", "command: ./run.sh\nenv:\n  GREETING: hello\n"
                        + "hooks:\n  pre-staging: env -0 > env.txt\n", "run.sh", "#!/bin/sh\n"),
                Map.of("FROM_PUSH", "yes"));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : new String(staged.files.get("env.txt"), StandardCharsets.UTF_8).split("\0")) {
            int eq = pair.indexOf('=');
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        assertEquals(List.of(), env.keySet().stream().filter(nodeOnly::contains).toList(), "the node's environment leaked");
        assertEquals("hello", env.get("GREETING"));
        assertEquals("yes", env.get("FROM_PUSH"));
        assertTrue(env.get("PATH").endsWith(System.getenv("PATH")), env.get("PATH"));
        assertTrue(env.get("npm_config_cache").startsWith(env.get("HOME")), env.toString());
    }

    @Test
    void procfileGivesTheStartCommand() throws Exception {
        Staged staged = stage(Map.of("Procfile", "worker: x\nweb: ./serve --port $PORT\n", "serve", "#!/bin/sh\n"));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        assertEquals("./serve --port $PORT", staged.outcome.startCommand());
    }

    @Test
    void badManifestFailsWithFileAndLine() throws Exception {
        Staged staged = stage(Map.of("stackato.yml", "name: shop\nmem: 128M\ninstances: lots\n",
                "index.html", "x"));
        assertFalse(staged.outcome.success());
        assertEquals("stackato.yml line 3: instances must be a whole number, not 'lots'", staged.outcome.error());
        assertTrue(staged.lines.contains("-----> Staging failed: " + staged.outcome.error()));
        assertTrue(blobs.blobs.keySet().stream().noneMatch(k -> k.startsWith("/droplets/")));
        assertNoTaskDirLeft();
    }

    @Test
    void zipSlipPackageIsRejected() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("index.html", "x");
        files.put("../../../../../../../../" + outside.resolve("escaped.txt"), "owned");
        Staged staged = stage(files);
        assertFalse(staged.outcome.success());
        assertTrue(staged.outcome.error().startsWith("the app package is unsafe"), staged.outcome.error());
        assertFalse(Files.exists(outside.resolve("escaped.txt")));
        assertNoTaskDirLeft();
    }

    @Test
    void symlinkOutOfTheAppIsRejected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            ZipArchiveEntry link = new ZipArchiveEntry("data");
            link.setUnixMode(0120777);
            zip.putArchiveEntry(link);
            zip.write(outside.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
            zip.putArchiveEntry(new ZipArchiveEntry("data/planted.txt"));
            zip.write("x".getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
        }
        StagingEvent outcome = stageBytes(bytes.toByteArray()).outcome;
        assertFalse(outcome.success());
        assertTrue(outcome.error().contains("points outside the app"), outcome.error());
        assertFalse(Files.exists(outside.resolve("planted.txt")));
    }

    @Test
    void linksThatClimbThroughOtherLinksAreRejected() throws Exception {
        // y -> . makes y/y/y/../../.. three levels above the app, though it normalizes to the app itself
        StagingEvent outcome = stageBytes(zipWithLinks(Map.of("y", ".", "x", "y/y/y/../../../escaped"))).outcome;
        assertFalse(outcome.success());
        assertTrue(outcome.error().contains("link x points outside the app"), outcome.error());

        // p -> . puts p/q/ one level higher than its name says, so ../../ from there leaves the app
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            putLink(zip, "p", ".");
            zip.putArchiveEntry(new ZipArchiveEntry("p/q/"));
            zip.closeArchiveEntry();
            putLink(zip, "p/q/x", "../../escaped");
        }
        outcome = stageBytes(bytes.toByteArray()).outcome;
        assertFalse(outcome.success());
        assertTrue(outcome.error().contains("link p/q/x points outside the app"), outcome.error());
    }

    @Test
    void linksUpToASiblingAreKept() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("index.html", "<h1>hi</h1>");
        files.put("node_modules/tool/cli.js", "x");
        Staged staged = stageBytes(zipWithLinks(Map.of("node_modules/.bin/tool", "../tool/cli.js"), files));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        assertTrue(staged.links.contains("node_modules/.bin/tool"), staged.links.toString());
    }

    @Test
    void aDescriptorLinkPlantedByAHookIsReplacedNotWrittenThrough() throws Exception {
        Path victim = outside.resolve("victim.txt");
        Staged staged = stage(Map.of(
                "stackato.yml", "command: ./run.sh\nhooks:\n  post-staging: ln -s " + victim + " strato-droplet.json\n",
                "run.sh", "#!/bin/sh\n"));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        assertFalse(Files.exists(victim), "the descriptor was written through the link");
        assertEquals("./run.sh", staged.descriptor().get("start_command"));
    }

    @Test
    void pythonWithoutAReachableIndexFailsClearly() throws Exception {
        assumeTrue(onPath("pip3"), "pip3 is not installed");
        Staged staged = stage(Map.of("app.py", "print('hi')\n", "requirements.txt", "flask==3.0.0\n"),
                Map.of("PIP_INDEX_URL", "http://127.0.0.1:9/simple", "PIP_NO_CACHE_DIR", "1"));
        assertFalse(staged.outcome.success());
        assertTrue(staged.outcome.error().startsWith("pip could not reach a package index"), staged.outcome.error());
        assertTrue(staged.lines.contains("-----> Installing dependencies"), staged.lines.toString());
    }

    @Test
    void unknownAppAndWrongSecretFailWithReasons() throws Exception {
        StagingEvent outcome = stage(Map.of("README", "nothing to run")).outcome;
        assertFalse(outcome.success());
        assertTrue(outcome.error().startsWith("could not detect the app's runtime"), outcome.error());

        try (TestBlobStore otherCluster = new TestBlobStore("another-secret")) {
            otherCluster.blobs.put("/packages/p", zip(Map.of("index.html", "x")));
            StagingEvent refused = run(new StagingRequest(UUID.randomUUID().toString(), "node-1", "app", "app",
                    otherCluster.url("/packages/p"), otherCluster.url("/droplets/d"), null, null, Map.of(), 64, 20001)).outcome;
            assertEquals("could not download the app package: HTTP 403 from " + otherCluster.url("/packages/p"),
                    refused.error());
        }
    }

    /** A hostile pre-staging hook: it runs as the app's uid, sees no node file, process or secret. */
    @Test
    void hooksRunAsTheAppsUidAndCannotReachTheNode() throws Exception {
        assumeTrue(Sandbox.nodeRunsAsRoot(), "the stager does not run as root");
        // outside /tmp, which the sandbox replaces: only the file's permissions keep it from the hook
        Path etc = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "node-etc-");
        Path secret = etc.resolve("cluster-secret");
        Files.writeString(secret, "the-cluster-secret");
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Staged staged = stage(Map.of("stackato.yml", """
                command: ./run.sh
                hooks:
                  pre-staging:
                    - id -u > uid.txt
                    - cat %s > stolen.txt 2>/dev/null || echo denied > stolen.txt
                    - (ps -e -o pid= | wc -l) > processes.txt
                """.formatted(secret), "run.sh", "#!/bin/sh\nexec sleep 1000\n"));
        assertTrue(staged.outcome.success(), staged.outcome.error());
        assertEquals("20001\n", new String(staged.files.get("uid.txt"), StandardCharsets.UTF_8));
        assertEquals("denied\n", new String(staged.files.get("stolen.txt"), StandardCharsets.UTF_8));
        int processes = Integer.parseInt(new String(staged.files.get("processes.txt"), StandardCharsets.UTF_8).trim());
        assertTrue(processes < 8, "the hook sees its own processes only, not the node's: " + processes);
    }

    @Test
    void aRequestForAUidOutsideTheRangeIsRefused() throws Exception {
        assumeTrue(Sandbox.nodeRunsAsRoot(), "the stager does not run as root");
        String id = UUID.randomUUID().toString();
        blobs.blobs.put("/packages/" + id, zip(Map.of("index.html", "x")));
        StagingEvent refused = run(new StagingRequest(id, "node-1", "guid-" + id, "app", blobs.url("/packages/" + id),
                blobs.url("/droplets/" + id), null, null, Map.of(), 128, 0)).outcome;
        assertEquals("refused: uid 0 is outside this stager's app uid range 20000-29999", refused.error());
    }

    @Test
    void aTaskOverTheTimeoutFailsAndLeavesNothingRunning() throws Exception {
        StagerRole quick = new StagerRole(state, new TestCluster("node-quick"), () -> SECRET,
                new StagerSettings(workDir.resolve("quick"), 1, null, null, Duration.ofSeconds(2), UidRange.DEFAULT));
        try {
            String id = UUID.randomUUID().toString();
            blobs.blobs.put("/packages/" + id, zip(Map.of("stackato.yml",
                    "command: ./run.sh\nhooks:\n  pre-staging: sleep 297 & echo $! > sleeper.pid; wait\n")));
            Staged staged = run(new StagingRequest(id, "node-quick", "slow", "slow", blobs.url("/packages/" + id),
                    blobs.url("/droplets/" + id), null, null, Map.of(), 64, 20001));
            assertEquals("staging timed out while running 'sleep 297 & echo $! > sleeper.pid; wait'",
                    staged.outcome.error());
            Thread.sleep(500);
            ProcessBuilder sleepers = new ProcessBuilder("pgrep", "-f", "^sleep 297$");
            assertEquals(1, sleepers.start().waitFor(), "the hook's child was killed with it");
            try (var files = Files.list(workDir.resolve("quick"))) {
                assertEquals(List.of(), files.toList());
            }
        } finally {
            quick.deactivate();
        }
    }

    @Test
    void requestsForOtherStagersAreIgnored() throws Exception {
        blobs.blobs.put("/packages/x", zip(Map.of("index.html", "x")));
        state.topic(Channels.STAGING_REQUESTS).publish(Json.write(new StagingRequest("t", "node-2", "a", "a",
                blobs.url("/packages/x"), blobs.url("/droplets/x"), null, null, Map.of(), 64, 20001)));
        assertEquals(null, events.poll(500, TimeUnit.MILLISECONDS));
    }

    private void assertNoTaskDirLeft() throws IOException {
        try (var files = Files.list(workDir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    private Staged stage(Map<String, String> files) throws Exception {
        return stage(files, Map.of());
    }

    private Staged stage(Map<String, String> files, Map<String, String> env) throws Exception {
        String id = UUID.randomUUID().toString();
        blobs.blobs.put("/packages/" + id, zip(files));
        return run(new StagingRequest(id, "node-1", "guid-" + id, "app", blobs.url("/packages/" + id),
                blobs.url("/droplets/" + id), null, null, env, 128, 20001));
    }

    private Staged stageBytes(byte[] zip) throws Exception {
        String id = UUID.randomUUID().toString();
        blobs.blobs.put("/packages/" + id, zip);
        return run(new StagingRequest(id, "node-1", "guid-" + id, "app", blobs.url("/packages/" + id),
                blobs.url("/droplets/" + id), null, null, Map.of(), 128, 20001));
    }

    private Staged run(StagingRequest request) throws Exception {
        state.topic(Channels.STAGING_REQUESTS).publish(Json.write(request));
        List<String> lines = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            StagingEvent e = events.poll(1, TimeUnit.SECONDS);
            if (e == null || !e.taskId().equals(request.taskId())) {
                continue;
            }
            if (!e.done()) {
                lines.add(e.line());
                continue;
            }
            byte[] droplet = blobs.blobs.get(URI.create(request.dropletUrl()).getPath());
            if (e.success()) {
                assertNotNull(droplet, "the droplet was uploaded");
                assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(droplet)),
                        e.dropletHash());
            }
            return new Staged(e, lines, droplet);
        }
        throw new AssertionError("staging did not finish; log: " + lines);
    }

    static byte[] zipBytes(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                zip.putArchiveEntry(new ZipArchiveEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] zipWithLinks(Map<String, String> links) throws IOException {
        return zipWithLinks(links, Map.of());
    }

    /** A package of the given links (name to target) after the given files. */
    private static byte[] zipWithLinks(Map<String, String> links, Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                zip.putArchiveEntry(new ZipArchiveEntry(f.getKey()));
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeArchiveEntry();
            }
            for (Map.Entry<String, String> link : new java.util.TreeMap<>(links).entrySet()) {
                putLink(zip, link.getKey(), link.getValue());
            }
        }
        return bytes.toByteArray();
    }

    private static void putLink(ZipArchiveOutputStream zip, String name, String target) throws IOException {
        ZipArchiveEntry link = new ZipArchiveEntry(name);
        link.setUnixMode(0120777);
        zip.putArchiveEntry(link);
        zip.write(target.getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
    }

    static byte[] zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                ZipArchiveEntry entry = new ZipArchiveEntry(f.getKey());
                entry.setUnixMode(f.getKey().endsWith(".sh") || f.getKey().equals("serve") ? 0100755 : 0100644);
                zip.putArchiveEntry(entry);
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static boolean onPath(String tool) throws Exception {
        return new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0;
    }

    /** A finished staging task: its outcome, log and (on success) droplet content. */
    private static final class Staged {
        final StagingEvent outcome;
        final List<String> lines;
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final List<String> executable = new ArrayList<>();
        final List<String> links = new ArrayList<>();

        Staged(StagingEvent outcome, List<String> lines, byte[] droplet) throws IOException {
            this.outcome = outcome;
            this.lines = lines;
            if (droplet != null) {
                try (TarArchiveInputStream tar = new TarArchiveInputStream(
                        new GZIPInputStream(new ByteArrayInputStream(droplet)))) {
                    TarArchiveEntry entry;
                    while ((entry = tar.getNextEntry()) != null) {
                        if (entry.isSymbolicLink()) {
                            links.add(entry.getName());
                        }
                        if (entry.isFile()) {
                            files.put(entry.getName(), tar.readAllBytes());
                            if ((entry.getMode() & 0100) != 0) {
                                executable.add(entry.getName());
                            }
                        }
                    }
                }
            }
        }

        Map<?, ?> descriptor() {
            return Json.read(new String(files.get("strato-droplet.json"), StandardCharsets.UTF_8), Map.class);
        }

        Path unpackTo(Path dir) throws IOException {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path file = dir.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, f.getValue());
            }
            return dir;
        }
    }
}
