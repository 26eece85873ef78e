package io.strato.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.LogLine;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.app.StagingEvent;
import io.strato.api.app.StagingRequest;
import io.strato.api.json.Json;
import io.strato.controller.ControllerFixture.Reply;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Push as a client sees it: upload, start, the staging log streamed from a stager on the cluster bus, the
 * droplet stored through the internal endpoint, instances ordered from DEAs, logs and instance states.
 */
class StagingTest {

    ControllerFixture c;
    final List<InstanceOrder> orders = new CopyOnWriteArrayList<>();
    final List<byte[]> packagesSeen = new CopyOnWriteArrayList<>();
    volatile String failWith;
    volatile String dropletContent = "droplet-1";

    @BeforeEach
    void start() throws Exception {
        c = new ControllerFixture();
        c.shared.topic(Channels.DEA_ORDERS).subscribe(m -> orders.add(Json.read(m, InstanceOrder.class)));
        c.shared.topic(Channels.STAGING_REQUESTS).subscribe(m -> {
            StagingRequest request = Json.read(m, StagingRequest.class);
            if (request.stagerId().equals("stager-1")) {
                new Thread(() -> stage(request)).start();
            }
        });
        advertiseStager();
        c.shared.map(Channels.DEA_ADVERTISEMENTS).put("dea-a", Json.write(new DeaAdvertisement("dea-a", "a", "10.0.0.1",
                2048, 1024, 0)), Duration.ofMinutes(5));
        c.shared.map(Channels.DEA_ADVERTISEMENTS).put("dea-b", Json.write(new DeaAdvertisement("dea-b", "b", "10.0.0.2",
                8192, 6144, 0)), Duration.ofMinutes(5));
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

    private List<InstanceOrder> orders(InstanceOrder.Action action) {
        return orders.stream().filter(o -> o.action() == action).toList();
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
    void aStartedAppIsStagedItsLogStreamedAndItsInstancesPlaced() throws Exception {
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

        List<InstanceOrder> starts = eventually(() -> orders(InstanceOrder.Action.START), l -> l.size() == 2, "START orders");
        assertEquals("dea-b", starts.get(0).deaId(), "the DEA with the most free memory first");
        assertEquals("dea-a", starts.get(1).deaId(), "then one not yet running the app");
        String droplet = starts.get(0).appVersion();
        HttpResponse<byte[]> fetched = c.sendForBytes(c.internal(URI.create(starts.get(0).dropletUrl()).getPath()).GET());
        assertEquals(200, fetched.statusCode());
        assertArrayEquals(dropletContent.getBytes(StandardCharsets.UTF_8), fetched.body());

        report(starts.get(0), "i0", InstanceState.RUNNING);
        report(starts.get(1), "i1", InstanceState.CRASHED);
        JsonNode instances = c.get("/v2/apps/" + guid + "/instances").json();
        assertEquals("RUNNING", instances.at("/0/state").asText());
        assertEquals("CRASHED", instances.at("/1/state").asText());
        assertTrue(instances.at("/0/since").asDouble() > 1_000_000_000);
        JsonNode stats = c.get("/v2/apps/" + guid + "/stats").json();
        assertEquals("RUNNING", stats.at("/0/state").asText());
        assertEquals(256L * 1024 * 1024, stats.at("/0/stats/mem_quota").asLong());
        assertEquals(61000, stats.at("/0/stats/port").asInt());

        orders.clear();
        assertEquals(201, c.put("/v2/apps/" + guid, "{\"instances\":1}").status());
        List<InstanceOrder> stops = eventually(() -> orders(InstanceOrder.Action.STOP), l -> !l.isEmpty(), "STOP order");
        assertEquals("i1", stops.get(0).instanceId());
        assertEquals(droplet, stops.get(0).appVersion());
    }

    @Test
    void aFailedStagingKeepsThePreviousDropletRunning() throws Exception {
        String guid = push("keeper", 1)[0];
        InstanceOrder start = eventually(() -> orders(InstanceOrder.Action.START), l -> l.size() == 1, "START").get(0);
        report(start, "i0", InstanceState.RUNNING);
        String droplet = app(guid).get("version").asText();

        failWith = "npm install failed: no such package 'lefpad'";
        Reply upload = c.uploadBits(guid, Zips.zip(Map.of("app.js", "broken")));
        assertEquals(201, upload.status());
        String log = readLog(upload.header("X-App-Staging-Log"));
        assertTrue(log.endsWith("Staging failed: npm install failed: no such package 'lefpad'\n"), log);

        JsonNode entity = eventually(() -> app(guid), e -> e.get("package_state").asText().equals("FAILED"), "FAILED");
        assertEquals("npm install failed: no such package 'lefpad'", entity.get("staging_failed_reason").asText());
        assertEquals(droplet, entity.get("version").asText());
        Thread.sleep(300);
        assertEquals(List.of(), orders(InstanceOrder.Action.STOP), "the old instance keeps running");
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
    void stoppingOrResizingAnAppStopsItsInstancesAtOnceEvenWhenAnotherControllerPlaces() throws Exception {
        String guid = push("resized", 1)[0];
        InstanceOrder start = eventually(() -> orders(InstanceOrder.Action.START), l -> l.size() == 1, "START").get(0);
        report(start, "i0", InstanceState.RUNNING);
        c.shared.map("controller.placer").put("leader", "another-controller", Duration.ofMinutes(5));

        orders.clear();
        assertEquals(201, c.put("/v2/apps/" + guid, "{\"memory\":512}").status());
        assertEquals(1, orders(InstanceOrder.Action.STOP).size(), "new memory restarts the instances");
        assertEquals(201, c.put("/v2/apps/" + guid, "{\"instances\":2}").status());
        assertEquals(1, orders(InstanceOrder.Action.STOP).size(), "a new count needs no restart");

        orders.clear();
        assertEquals(201, c.put("/v2/apps/" + guid, "{\"state\":\"STOPPED\"}").status());
        List<InstanceOrder> stops = orders(InstanceOrder.Action.STOP);
        assertEquals(1, stops.size());
        assertEquals(guid, stops.get(0).appGuid());
    }

    @Test
    void deletingAnAppStopsItsInstancesAndRemovesItsBits() throws Exception {
        String guid = push("doomed", 1)[0];
        InstanceOrder start = eventually(() -> orders(InstanceOrder.Action.START), l -> l.size() == 1, "START").get(0);
        report(start, "i0", InstanceState.RUNNING);
        assertEquals(204, c.delete("/v2/apps/" + guid).status());
        List<InstanceOrder> stops = orders(InstanceOrder.Action.STOP);
        assertEquals(1, stops.size());
        assertEquals(guid, stops.get(0).appGuid());
        assertEquals(404, c.sendForBytes(c.internal("/internal/v2/packages/" + guid).GET()).statusCode());
        assertEquals(404, c.sendForBytes(c.internal(URI.create(start.dropletUrl()).getPath()).GET()).statusCode());
    }

    @Test
    void theControllerAnnouncesItsBlobStoreAndApiRoute() throws Exception {
        eventually(() -> c.shared.map(Channels.BLOBSTORE).get("url"), v -> v.isPresent(), "blob store URL");
        assertEquals(c.url, c.shared.map(Channels.BLOBSTORE).get("url").orElseThrow());
        String route = eventually(() -> c.shared.map(Channels.ROUTES).entries().keySet().stream()
                .filter(k -> k.startsWith("api." + TestCluster.DOMAIN + "|")).findFirst(), v -> v.isPresent(), "api route").orElseThrow();
        io.strato.api.app.RouteEntry entry = Json.read(c.shared.map(Channels.ROUTES).get(route).orElseThrow(),
                io.strato.api.app.RouteEntry.class);
        assertEquals("127.0.0.1", entry.address());
        assertEquals(URI.create(c.url).getPort(), entry.port());
        assertFalse(entry.appGuid().isEmpty());
    }
}
