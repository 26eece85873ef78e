package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.role.controller.ControllerFixture.Reply;
import io.strato.role.controller.blob.UploadLimits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** App bits through HTTP: stored when valid; refused with a reason, leaving the previous package, when not. */
class BitsUploadTest {

    static ControllerFixture c;
    static String app;
    static byte[] good;

    @BeforeAll
    static void start() throws Exception {
        c = new ControllerFixture(new UploadLimits(256 * 1024, 20, 1024 * 1024));
        app = c.createApp("{\"name\":\"bits\"}");
        good = Zips.zip(Map.of("app.js", "console.log('hi')", "package.json", "{}"));
        Reply r = c.uploadBits(app, good);
        assertEquals(201, r.status(), r.body());
    }

    @AfterAll
    static void stop() {
        c.close();
    }

    private static byte[] storedPackage() throws Exception {
        HttpResponse<byte[]> r = c.sendForBytes(c.internal("/internal/v2/packages/" + app).GET());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static void assertRefused(Reply r, String... words) throws Exception {
        assertEquals(400, r.status(), r.body());
        assertEquals("CF-AppBitsUploadInvalid", r.json().get("error_code").asText());
        assertEquals(160001, r.json().get("code").asInt());
        for (String w : words) {
            assertTrue(r.json().get("description").asText().contains(w), r.body());
        }
        assertArrayEquals(good, storedPackage(), "the previous package must be untouched");
        assertNoTempFiles();
    }

    private static void assertNoTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(c.dir.resolve("blobs").resolve("tmp"))) {
            assertEquals(0, files.count(), "nothing half-written may remain");
        }
    }

    @Test
    void anUploadIsStoredAndMarksTheAppPending() throws Exception {
        assertArrayEquals(good, storedPackage());
        var entity = c.get("/v2/apps/" + app).json().get("entity");
        assertEquals("PENDING", entity.get("package_state").asText());
        assertNotNull(entity.get("package_updated_at").textValue());
    }

    @Test
    void zipSlipIsRefusedNamingTheEntry() throws Exception {
        assertRefused(c.uploadBits(app, Zips.zip(Map.of("../../evil.sh", "rm -rf /"))), "'../../evil.sh'");
    }

    @Test
    void absolutePathsAreRefused() throws Exception {
        assertRefused(c.uploadBits(app, Zips.zip(Map.of("/etc/passwd", "root::0:0"))), "'/etc/passwd'", "absolute");
    }

    @Test
    void symlinksOutOfTheAppAreRefused() throws Exception {
        assertRefused(c.uploadBits(app, Zips.zip(Map.of("keys", "/root/.ssh/id_rsa"), Set.of("keys"))), "'keys'");
    }

    @Test
    void tooManyEntriesAreRefused() throws Exception {
        Map<String, String> many = new java.util.HashMap<>();
        for (int i = 0; i < 25; i++) {
            many.put("file" + i, "x");
        }
        assertRefused(c.uploadBits(app, Zips.zip(many)), "entries");
    }

    @Test
    void zipBombsAreRefused() throws Exception {
        assertRefused(c.uploadBits(app, Zips.zip(Map.of("zeros", "0".repeat(2 * 1024 * 1024)))), "inflates");
    }

    @Test
    void corruptZipsAreRefused() throws Exception {
        assertRefused(c.uploadBits(app, "PK\u0003\u0004 garbage".getBytes()), "Invalid zip file: ");
    }

    @Test
    void aBadManifestIsRefusedWithItsLine() throws Exception {
        Reply r = c.uploadBits(app, Zips.zip(Map.of("manifest.yml", "applications:\n- name: x\n  memory: [1]\n")));
        assertEquals(400, r.status(), r.body());
        assertEquals("CF-AppPackageInvalid", r.json().get("error_code").asText());
        assertTrue(r.json().get("description").asText().contains("manifest.yml line 3"), r.body());
        assertArrayEquals(good, storedPackage());
    }

    @Test
    void oversizeUploadsAreRefusedWhileStreaming() throws Exception {
        byte[] random = new byte[600 * 1024];
        new Random(1).nextBytes(random);
        byte[] big = Zips.zip(Map.of("noise", new String(random, java.nio.charset.StandardCharsets.ISO_8859_1)));
        // without a Content-Length, so the limit must be found while the body streams in
        HttpRequest.Builder chunked = c.authed("/v2/apps/" + app + "/bits")
                .header("Content-Type", "application/zip")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)));
        try {
            Reply r = c.send(chunked);
            assertEquals(413, r.status(), r.body());
            assertEquals("CF-AppBitsUploadInvalid", r.json().get("error_code").asText());
        } catch (IOException closedWhileSending) {
            // the server may close the connection before the client finished sending: refused all the same
        }
        Reply declared = c.uploadBits(app, big);
        assertEquals(413, declared.status(), declared.body());
        assertArrayEquals(good, storedPackage());
        assertNoTempFiles();
    }

    @Test
    void uploadsToUnknownAppsAre404() throws Exception {
        assertEquals(404, c.uploadBits("no-such-app", good).status());
    }

    @Test
    void theInternalBlobEndpointsRefuseAnyoneWithoutTheClusterToken() throws Exception {
        String[] paths = {"/internal/v2/packages/" + app, "/internal/v2/droplets/" + app + "/" + "0".repeat(64)};
        for (String path : paths) {
            HttpRequest.Builder none = HttpRequest.newBuilder(URI.create(c.url + path)).GET();
            assertEquals(401, c.send(none).status());
            assertEquals(401, c.send(c.authed(path).GET()).status(), "a user token is not a node credential");
            HttpRequest.Builder wrong = HttpRequest.newBuilder(URI.create(c.url + path))
                    .header("Authorization", "Bearer " + io.strato.api.app.InternalAuth.token("other", "blobstore")).GET();
            assertEquals(401, c.send(wrong).status());
        }
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(c.url + "/internal/v2/droplets/" + app))
                .PUT(HttpRequest.BodyPublishers.ofString("droplet"));
        assertEquals(401, c.send(put).status());
    }
}
