package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.Channels;
import io.strato.api.app.DesiredApp;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.app.StagingEvent;
import io.strato.api.app.StagingRequest;
import io.strato.api.json.Json;
import io.strato.role.controller.ControllerFixture.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two controllers on one database and one cluster: whatever one stored, the other serves and publishes alike. */
class TwoControllersTest {

    ControllerFixture a;
    ControllerFixture b;

    @BeforeEach
    void start() throws Exception {
        a = new ControllerFixture();
        b = new ControllerFixture(a, "node-2");
    }

    @AfterEach
    void stop() {
        b.close();
        a.close();
    }

    @Test
    void eachControllerAnnouncesItsOwnBlobStore() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (a.shared.map(Channels.BLOBSTORE).entries().size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(Map.of("node-1", a.url, "node-2", b.url), a.shared.map(Channels.BLOBSTORE).entries());
    }

    @Test
    void aPackageUploadedThroughOneControllerIsServedByTheOther() throws Exception {
        String guid = a.createApp("{\"name\":\"web\",\"memory\":256,\"instances\":1}");
        byte[] zip = Zips.zip(Map.of("app.js", "console.log('hello')", "big.bin", "x".repeat(3 * 1024 * 1024)));
        assertEquals(201, a.uploadBits(guid, zip).status());

        HttpResponse<byte[]> fetched = b.sendForBytes(b.internal("/internal/v2/packages/" + guid).GET());

        assertEquals(200, fetched.statusCode());
        assertArrayEquals(zip, fetched.body());
    }

    @Test
    void aDropletStoredThroughOneControllerRunsAndBothPublishTheSameDesiredState() throws Exception {
        a.shared.map(Channels.STAGER_ADVERTISEMENTS).put("stager-1",
                Json.write(new StagerAdvertisement("stager-1", "stager-node", 0)), Duration.ofMinutes(5));
        // a stager that stores the droplet through the other controller than the one that asked it
        a.shared.topic(Channels.STAGING_REQUESTS).subscribe(m -> new Thread(() -> {
            StagingRequest r = Json.read(m, StagingRequest.class);
            try {
                Reply put = b.send(b.internal(r.dropletUrl()).PUT(HttpRequest.BodyPublishers.ofString("droplet bytes")));
                a.shared.topic(Channels.STAGING_EVENTS).publish(Json.write(StagingEvent.succeeded(r.taskId(),
                        r.appGuid(), put.json().get("sha256").asText(), "node app.js", "node").ofAttempt(r.attempt())));
            } catch (Exception e) {
                a.shared.topic(Channels.STAGING_EVENTS).publish(Json.write(StagingEvent.failed(r.taskId(),
                        r.appGuid(), e.toString())));
            }
        }).start());
        String guid = a.createApp("{\"name\":\"web\",\"memory\":256,\"instances\":1}");
        assertEquals(201, a.uploadBits(guid, Zips.zip(Map.of("app.js", "// app"))).status());
        assertEquals(201, a.put("/v2/apps/" + guid, "{\"state\":\"STARTED\"}").status());

        long deadline = System.currentTimeMillis() + 10_000;
        while (a.desired(guid).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        DesiredApp desired = a.desired(guid).orElseThrow(() -> new AssertionError("the app was not staged"));
        assertTrue(desired.dropletUrl().startsWith("/internal/v2/droplets/" + guid + "/"),
                "a path any controller serves, not one controller's URL: " + desired.dropletUrl());
        HttpResponse<byte[]> droplet = a.sendForBytes(a.internal(URI.create(desired.dropletUrl()).getPath()).GET());
        assertEquals(200, droplet.statusCode());
        assertEquals("droplet bytes", new String(droplet.body()));

        String published = a.shared.map(Channels.DESIRED_APPS).get(guid).orElseThrow();
        b.controller.runtime().publishAll();
        assertEquals(Optional.of(published), b.shared.map(Channels.DESIRED_APPS).get(guid),
                "the other controller's periodic publishing writes the very same value");
    }

    @Test
    void aTokenFromOneControllerIsAcceptedByTheOther() throws Exception {
        Reply r = b.send(HttpRequest.newBuilder(URI.create(b.url + "/v2/apps")).header("Authorization", "bearer " + a.token())
                .GET());
        assertEquals(200, r.status(), r.body());
    }
}
