package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.AppHealth;
import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.DesiredApp;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceUsage;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.LogLine;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.app.StagingEvent;
import io.strato.api.app.StagingRequest;
import io.strato.api.json.Json;
import io.strato.role.controller.ControllerFixture.Reply;
import io.strato.testkit.TestCluster;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Push as a client sees it: upload, start, the staging log streamed from a stager on the cluster bus, the
 * droplet stored through the internal endpoint, the app's desired state published for the health manager, logs
 * and the instance states DEAs report.
 */
class StagingTest {

    ControllerFixture c;
    final List<InstanceOrder> orders = new CopyOnWriteArrayList<>();
    final List<byte[]> packagesSeen = new CopyOnWriteArrayList<>();
    final List<StagingRequest> stagingRequests = new CopyOnWriteArrayList<>();
    volatile String failWith;
    volatile String dropletContent = "droplet-1";

    @BeforeEach
    void start() throws Exception {
        c = new ControllerFixture();
        c.shared.topic(Channels.DEA_ORDERS).subscribe(m -> orders.add(Json.read(m, InstanceOrder.class)));
        c.shared.topic(Channels.STAGING_REQUESTS).subscribe(m -> {
            StagingRequest request = Json.read(m, StagingRequest.class);
            stagingRequests.add(request);
            if (request.stagerId().equals("stager-1")) {
                new Thread(() -> stage(request)).start();
            }
        });
        advertiseStager();
        long now = System.currentTimeMillis();
        c.shared.map(Channels.DEA_ADVERTISEMENTS).put("dea-a", Json.write(new DeaAdvertisement("dea-a", "a", "10.0.0.1",
                2048, 1024, 0, now)), Duration.ofMinutes(5));
        c.shared.map(Channels.DEA_ADVERTISEMENTS).put("dea-b", Json.write(new DeaAdvertisement("dea-b", "b", "10.0.0.2",
                8192, 6144, 0, now)), Duration.ofMinutes(5));
    }

    @AfterEach
    void stop() {
        c.close();
    }

    private void advertiseStager() {
        c.shared.map(Channels.STAGER_ADVERTISEMENTS).put("stager-1", Json.write(new StagerAdvertisement("stager-1", "stager-node", 0)),
                Duration.ofMinutes(5));
    }

    /** What a stager does: fetch the package, log, upload the droplet, report. */
    private void stage(StagingRequest r) {
        var events = c.shared.topic(Channels.STAGING_EVENTS);
        try {
            HttpResponse<byte[]> pkg = c.sendForBytes(c.internal(URI.create(r.packageUrl()).getPath()).GET());
            packagesSeen.add(pkg.body());
            Thread.sleep(200);
            events.publish(Json.write(StagingEvent.log(r.taskId(), r.appGuid(), "-----> Detected node")));
            events.publish(Json.write(StagingEvent.log(r.taskId(), r.appGuid(), "-----> Installing dependencies")));
            if (failWith != null) {
                events.publish(Json.write(StagingEvent.failed(r.taskId(), r.appGuid(), failWith)));
                return;
            }
            Reply put = c.send(c.internal(URI.create(r.dropletUrl()).getPath())
                    .PUT(HttpRequest.BodyPublishers.ofString(dropletContent)));
            String hash = put.json().get("sha256").asText();
            events.publish(Json.write(StagingEvent.succeeded(r.taskId(), r.appGuid(), hash, "node app.js", "node")));
        } catch (Exception e) {
            events.publish(Json.write(StagingEvent.failed(r.taskId(), r.appGuid(), "fake stager: " + e)));
        }
    }

    private static <T> T eventually(Supplier<T> value, java.util.function.Predicate<T> ok, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        T v = value.get();
        while (!ok.test(v)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last: " + v);
            }
            Thread.sleep(50);
            v = value.get();
        }
        return v;
    }

    private JsonNode app(String guid) {
        try {
            return c.get("/v2/apps/" + guid).json().get("entity");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void report(InstanceOrder start, String id, InstanceState state) {
        c.shared.map(Channels.INSTANCES).put(id, Json.write(new InstanceStatus(id, start.appGuid(), start.appVersion(),
                start.index(), state, start.deaId(), "10.0.0.9", 61000 + start.index(), start.memoryMb(),
                System.currentTimeMillis(), state == InstanceState.CRASHED ? 1 : null,
                state == InstanceState.CRASHED ? "exited with 1" : null)), Duration.ofMinutes(5));
    }

    /** Creates, uploads and starts an app; returns its guid and the staging log URL. */
    private String[] push(String name, int instances) throws Exception {
        String guid = c.createApp("{\"name\":\"" + name + "\",\"memory\":256,\"instances\":" + instances + "}");
        byte[] zip = Zips.zip(Map.of("app.js", "require('http').createServer().listen(process.env.PORT)"));
        assertEquals(201, c.uploadBits(guid, zip).status());
        Reply started = c.put("/v2/apps/" + guid, "{\"state\":\"STARTED\"}");
        assertEquals(201, started.status(), started.body());
        return new String[] {guid, started.header("X-App-Staging-Log")};
    }

    private String readLog(String url) throws Exception {
        return c.send(c.authed(URI.create(url).getRawPath() + "?" + URI.create(url).getRawQuery()).GET()).body();
    }

    @Test
    void aStartedAppIsStagedItsLogStreamedAndItsDesiredStatePublished() throws Exception {
        String[] pushed = push("web", 2);
        String guid = pushed[0];
        assertNotNull(pushed[1], "the start response names the staging log");
        assertTrue(pushed[1].startsWith(c.url + "/v2/apps/" + guid + "/staging_log?task="), pushed[1]);

        String log = readLog(pushed[1]);
        assertTrue(log.contains("-----> Detected node\n-----> Installing dependencies\n"), log);
        assertTrue(log.endsWith("Staging succeeded\n"), log);
        assertEquals("Staging succeeded\n", readLog(pushed[1]).lines().reduce((a, b) -> b).orElse("") + "\n",
                "a late reader gets the whole log");

        JsonNode entity = app(guid);
        assertEquals("STAGED", entity.get("package_state").asText());
        assertEquals("node", entity.get("detected_buildpack").asText());
        assertEquals("node app.js", entity.get("detected_start_command").asText());
        assertEquals(1, packagesSeen.size());

        DesiredApp desired = eventually(() -> c.desired(guid), Optional::isPresent, "the desired state").orElseThrow();
        assertEquals("web", desired.name());
        assertEquals(2, desired.instances());
        assertEquals(256, desired.memoryMb());
        assertEquals(1024, desired.diskMb());
        assertEquals(app(guid).get("version").asText(), desired.version(), "instances run the app's version");
        int uid = c.appUid(guid);
        assertTrue(uid >= 20000 && uid <= 29999, "a uid of the default range: " + uid);
        assertEquals(uid, desired.appUid(), "instances run as the app's uid");
        assertEquals(List.of(uid), stagingRequests.stream().map(StagingRequest::appUid).toList(),
                "staging runs as the app's uid");
        assertFalse(app(guid).has("app_uid"), "the uid is not part of Cloud Foundry's app");
        HttpResponse<byte[]> fetched = c.sendForBytes(c.internal(URI.create(desired.dropletUrl()).getPath()).GET());
        assertEquals(200, fetched.statusCode(), "the droplet URL serves the new droplet");
        assertArrayEquals(dropletContent.getBytes(StandardCharsets.UTF_8), fetched.body());
        assertEquals(List.of(), orders, "the controller orders no DEA itself: the health manager does");

        report(desired.startOrder("dea-b", 0), "i0", InstanceState.RUNNING);
        report(desired.startOrder("dea-a", 1), "i1", InstanceState.CRASHED);
        JsonNode instances = c.get("/v2/apps/" + guid + "/instances").json();
        assertEquals("RUNNING", instances.at("/0/state").asText());
        assertEquals("CRASHED", instances.at("/1/state").asText());
        assertEquals("exited with 1", instances.at("/1/details").asText());
        assertTrue(instances.at("/0/since").asDouble() > 1_000_000_000);
        // what the DEA measured of the running instance: instance stats show it
        c.shared.map(Channels.INSTANCE_USAGE).put("i0", Json.write(new InstanceUsage("i0", guid, 0.5, 64L << 20, 3L << 20,
                1_700_000_000_000L)), Duration.ofMinutes(1));
        JsonNode stats = c.get("/v2/apps/" + guid + "/stats").json();
        assertEquals("RUNNING", stats.at("/0/state").asText());
        assertEquals(0.5, stats.at("/0/stats/usage/cpu").asDouble());
        assertEquals(64L << 20, stats.at("/0/stats/usage/mem").asLong());
        assertEquals(3L << 20, stats.at("/0/stats/usage/disk").asLong());
        assertEquals("2023-11-14T22:13:20Z", stats.at("/0/stats/usage/time").asText());
        assertEquals(0, stats.at("/1/stats/usage/mem").asLong(), "a crashed instance uses nothing");
        assertEquals(256L * 1024 * 1024, stats.at("/0/stats/mem_quota").asLong());
        assertEquals(61000, stats.at("/0/stats/port").asInt());

        assertEquals(201, c.put("/v2/apps/" + guid, "{\"instances\":1}").status());
        DesiredApp scaled = c.desired(guid).orElseThrow();
        assertEquals(1, scaled.instances());
        assertEquals(desired.version(), scaled.version(), "a new count restarts nothing");
    }

    @Test
    void anAppWithoutAUidIsNeitherStagedNorRun() throws Exception {
        String guid = push("uidless", 1)[0];
        eventually(() -> c.desired(guid), Optional::isPresent, "the desired state");
        Sql sql = new Sql(c.database.dataSource());
        sql.update("UPDATE ctl_apps SET app_uid = NULL WHERE guid = ?", guid);
        c.controller.runtime().publishAll();
        assertTrue(c.desired(guid).isEmpty(), "its instances stop rather than run as another user");

        assertEquals(201, c.uploadBits(guid, Zips.zip(Map.of("app.js", "// new bits"))).status());
        String log = readLog(c.put("/v2/apps/" + guid, "{\"state\":\"STARTED\"}").header("X-App-Staging-Log"));
        assertTrue(log.contains("Staging failed: the app has no uid to run as"), log);
        assertEquals(1, stagingRequests.size(), "no stager was asked");
    }

    @Test
    void theInstancesOfTheCurrentVersionAreShownBeforeOlderOnes() throws Exception {
        String guid = push("rolling", 1)[0];
        DesiredApp first = eventually(() -> c.desired(guid), Optional::isPresent, "desired").orElseThrow();
        report(first.startOrder("dea-a", 0), "old", InstanceState.RUNNING);
        assertEquals(201, c.put("/v2/apps/" + guid, "{\"memory\":128}").status());
        DesiredApp second = c.desired(guid).orElseThrow();
        report(second.startOrder("dea-b", 0), "new", InstanceState.STARTING);
        assertEquals("STARTING", c.get("/v2/apps/" + guid + "/instances").json().at("/0/state").asText(),
                "the new version's instance, not the old one still running");
    }

    @Test
    void aFailedStagingKeepsThePreviousDropletRunning() throws Exception {
        String guid = push("keeper", 1)[0];
        DesiredApp desired = eventually(() -> c.desired(guid), Optional::isPresent, "desired").orElseThrow();
        report(desired.startOrder("dea-a", 0), "i0", InstanceState.RUNNING);
        String version = app(guid).get("version").asText();

        failWith = "npm install failed: no such package 'lefpad'";
        Reply upload = c.uploadBits(guid, Zips.zip(Map.of("app.js", "broken")));
        assertEquals(201, upload.status());
        String log = readLog(upload.header("X-App-Staging-Log"));
        assertTrue(log.endsWith("Staging failed: npm install failed: no such package 'lefpad'\n"), log);

        JsonNode entity = eventually(() -> app(guid), e -> e.get("package_state").asText().equals("FAILED"), "FAILED");
        assertEquals("npm install failed: no such package 'lefpad'", entity.get("staging_failed_reason").asText());
        assertEquals(version, entity.get("version").asText());
        assertEquals(desired, c.desired(guid).orElseThrow(), "the old droplet stays desired");
        assertEquals("RUNNING", c.get("/v2/apps/" + guid + "/instances").json().at("/0/state").asText());
    }

    @Test
    void withoutAStagerStagingFailsAndSaysWhy() throws Exception {
        c.shared.map(Channels.STAGER_ADVERTISEMENTS).remove("stager-1");
        String[] pushed = push("lonely", 1);
        assertTrue(readLog(pushed[1]).endsWith("Staging failed: no stager is available in the cluster\n"));
        JsonNode entity = app(pushed[0]);
        assertEquals("FAILED", entity.get("package_state").asText());
        assertEquals("no stager is available in the cluster", entity.get("staging_failed_reason").asText());
        Reply instances = c.get("/v2/apps/" + pushed[0] + "/instances");
        assertEquals(400, instances.status());
        assertEquals("CF-StagingError", instances.json().get("error_code").asText());
        assertEquals(170001, instances.json().get("code").asInt());
    }

    @Test
    void logsKeepRecentLinesAndFollowersGetNewOnes() throws Exception {
        String guid = push("chatty", 1)[0];
        eventually(() -> app(guid).get("package_state").asText(), "STAGED"::equals, "STAGED");
        var topic = c.shared.topic(Channels.APP_LOGS);
        topic.publish(Json.write(new LogLine(guid, 1000, "App", 0, "stdout", "listening on 8080")));
        JsonNode lines = c.get("/v2/apps/" + guid + "/logs?num=50").json().get("lines");
        assertTrue(lines.toString().contains("-----> Detected node"), "staging lines are kept: " + lines);
        JsonNode last = lines.get(lines.size() - 1);
        assertEquals("listening on 8080", last.get("line").asText());
        assertEquals("App", last.get("source").asText());
        assertEquals(0, last.get("index").asInt());
        assertEquals("stdout", last.get("stream").asText());
        assertEquals(1000, last.get("timestamp").asLong());
        assertEquals(1, c.get("/v2/apps/" + guid + "/logs?num=1").json().get("lines").size());

        HttpResponse<InputStream> follow = java.net.http.HttpClient.newHttpClient().send(
                c.authed("/v2/apps/" + guid + "/logs?follow=true&num=0").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, follow.statusCode());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(follow.body(), StandardCharsets.UTF_8))) {
            topic.publish(Json.write(new LogLine(guid, 2000, "App", 0, "stderr", "something broke")));
            String text = reader.readLine();
            while (text.isEmpty()) {
                text = reader.readLine();
            }
            JsonNode line = Json.mapper().readTree(text);
            assertEquals("something broke", line.get("line").asText());
            assertEquals("stderr", line.get("stream").asText());
        }
    }

    @Test
    void newSettingsRestartWithANewVersionAScaleDoesNotAndStoppingRemovesTheApp() throws Exception {
        String guid = push("resized", 1)[0];
        DesiredApp first = eventually(() -> c.desired(guid), Optional::isPresent, "desired").orElseThrow();

        assertEquals(201, c.put("/v2/apps/" + guid, "{\"memory\":512}").status());
        DesiredApp bigger = c.desired(guid).orElseThrow();
        assertEquals(512, bigger.memoryMb());
        assertNotEquals(first.version(), bigger.version(), "new memory restarts the instances");
        assertEquals(bigger.version(), app(guid).get("version").asText());

        assertEquals(201, c.put("/v2/apps/" + guid, "{\"command\":\"node other.js\"}").status());
        DesiredApp commanded = c.desired(guid).orElseThrow();
        assertEquals("node other.js", commanded.command());
        assertNotEquals(bigger.version(), commanded.version(), "a new command restarts the instances");

        assertEquals(201, c.put("/v2/apps/" + guid, "{\"instances\":3}").status());
        DesiredApp scaled = c.desired(guid).orElseThrow();
        assertEquals(3, scaled.instances());
        assertEquals(commanded.version(), scaled.version(), "a new count needs no restart");

        assertEquals(201, c.put("/v2/apps/" + guid, "{\"state\":\"STOPPED\"}").status());
        assertEquals(Optional.empty(), c.desired(guid), "a stopped app's instances must not run");
        assertEquals(201, c.put("/v2/apps/" + guid, "{\"state\":\"STARTED\"}").status());
        DesiredApp restarted = c.desired(guid).orElseThrow();
        assertNotEquals(scaled.version(), restarted.version(), "a start is a new version");
        assertEquals(scaled.dropletUrl(), restarted.dropletUrl(), "of the same droplet: nothing to stage");
    }

    @Test
    void mappingAndUnmappingARouteRestartsWithTheNewUris() throws Exception {
        String guid = push("routed", 1)[0];
        DesiredApp first = eventually(() -> c.desired(guid), Optional::isPresent, "desired").orElseThrow();
        assertEquals(List.of(), first.uris());
        String domain = c.get("/v2/shared_domains").json().at("/resources/0/metadata/guid").asText();
        String route = c.post("/v2/routes", "{\"host\":\"shop\",\"domain_guid\":\"" + domain + "\"}").json()
                .at("/metadata/guid").asText();

        assertEquals(201, c.put("/v2/apps/" + guid + "/routes/" + route, "").status());
        DesiredApp mapped = c.desired(guid).orElseThrow();
        assertEquals(List.of("shop." + TestCluster.DOMAIN), mapped.uris());
        assertNotEquals(first.version(), mapped.version());

        assertEquals(204, c.delete("/v2/apps/" + guid + "/routes/" + route).status());
        DesiredApp unmapped = c.desired(guid).orElseThrow();
        assertEquals(List.of(), unmapped.uris());
        assertNotEquals(mapped.version(), unmapped.version());
    }

    @Test
    void deletingAnAppRemovesItsDesiredStateAndItsBits() throws Exception {
        String guid = push("doomed", 1)[0];
        DesiredApp desired = eventually(() -> c.desired(guid), Optional::isPresent, "desired").orElseThrow();
        assertEquals(204, c.delete("/v2/apps/" + guid).status());
        assertEquals(Optional.empty(), c.desired(guid));
        assertEquals(404, c.sendForBytes(c.internal("/internal/v2/packages/" + guid).GET()).statusCode());
        assertEquals(404, c.sendForBytes(c.internal(URI.create(desired.dropletUrl()).getPath()).GET()).statusCode());
    }

    @Test
    void publishAllRestoresEveryStartedAppAndRemovesStaleEntries() throws Exception {
        String web = push("web", 2)[0];
        eventually(() -> c.desired(web), Optional::isPresent, "desired");
        String idle = c.createApp("{\"name\":\"idle\"}");
        c.shared.map(Channels.DESIRED_APPS).remove(web);
        c.shared.map(Channels.DESIRED_APPS).put("gone-app", "{\"appGuid\":\"gone-app\"}");

        c.controller.runtime().publishAll();
        assertEquals(2, c.desired(web).orElseThrow().instances(), "a lost entry is published again");
        assertEquals(Optional.empty(), c.shared.map(Channels.DESIRED_APPS).get("gone-app"), "an unknown app's entry goes");
        assertEquals(Optional.empty(), c.desired(idle), "a stopped app has none");
        assertEquals(java.util.Set.of(web), c.shared.map(Channels.DESIRED_APPS).entries().keySet());
    }

    @Test
    void anIndexInCrashBackOffWithNothingRunningIsFlapping() throws Exception {
        String guid = push("flappy", 3)[0];
        DesiredApp desired = eventually(() -> c.desired(guid), Optional::isPresent, "desired").orElseThrow();
        report(desired.startOrder("dea-a", 0), "i0", InstanceState.RUNNING);
        report(desired.startOrder("dea-a", 1), "i1", InstanceState.CRASHED);
        report(desired.startOrder("dea-b", 2), "i2", InstanceState.RUNNING);
        long now = System.currentTimeMillis();
        c.shared.map(Channels.APP_HEALTH).put(guid, Json.write(new AppHealth(guid, null, List.of(
                new AppHealth.Flapping(1, 5, now + 27_500),
                new AppHealth.Flapping(2, 3, now + 10_000)))), Duration.ofMinutes(1));

        JsonNode instances = c.get("/v2/apps/" + guid + "/instances").json();
        assertEquals("RUNNING", instances.at("/0/state").asText());
        assertEquals("FLAPPING", instances.at("/1/state").asText());
        String details = instances.at("/1/details").asText();
        assertTrue(details.matches("crashed 5 times; next restart in 2[78] s"), details);
        assertEquals("RUNNING", instances.at("/2/state").asText(), "an index running again is not flapping");
        assertTrue(instances.at("/2/details").isMissingNode());
        assertEquals("FLAPPING", c.get("/v2/apps/" + guid + "/stats").json().at("/1/state").asText());

        c.shared.map(Channels.APP_HEALTH).remove(guid);
        assertEquals("CRASHED", c.get("/v2/apps/" + guid + "/instances").json().at("/1/state").asText(),
                "out of back-off, the crash shows as it is");
    }

    @Test
    void theHealthManagersPlacementProblemIsTheAppsPlacementError() throws Exception {
        String guid = push("big", 1)[0];
        eventually(() -> c.desired(guid), Optional::isPresent, "desired");
        assertTrue(app(guid).get("placement_error").isNull());
        c.shared.map(Channels.APP_HEALTH).put(guid, Json.write(new AppHealth(guid,
                "insufficient memory on all DEAs (256 MB needed per instance)", List.of())), Duration.ofMinutes(1));
        assertEquals("insufficient memory on all DEAs (256 MB needed per instance)",
                app(guid).get("placement_error").asText());
    }

    @Test
    void theControllerAnnouncesItsBlobStoreAndApiRoute() throws Exception {
        eventually(() -> c.shared.map(Channels.BLOBSTORE).get("node-1"), v -> v.isPresent(), "blob store URL");
        assertEquals(c.url, c.shared.map(Channels.BLOBSTORE).get("node-1").orElseThrow(),
                "under the controller's node id, beside other controllers' entries");
        String route = eventually(() -> c.shared.map(Channels.ROUTES).entries().keySet().stream()
                .filter(k -> k.startsWith("api." + TestCluster.DOMAIN + "|")).findFirst(), v -> v.isPresent(), "api route").orElseThrow();
        io.strato.api.app.RouteEntry entry = Json.read(c.shared.map(Channels.ROUTES).get(route).orElseThrow(),
                io.strato.api.app.RouteEntry.class);
        assertEquals("127.0.0.1", entry.address());
        assertEquals(URI.create(c.url).getPort(), entry.port());
        assertFalse(entry.appGuid().isEmpty());
        String console = eventually(() -> c.shared.map(Channels.ROUTES).entries().keySet().stream()
                .filter(k -> k.startsWith("console." + TestCluster.DOMAIN + "|")).findFirst(), v -> v.isPresent(),
                "console route").orElseThrow();
        assertEquals(URI.create(c.url).getPort(), Json.read(c.shared.map(Channels.ROUTES).get(console).orElseThrow(),
                io.strato.api.app.RouteEntry.class).port());
    }
}
