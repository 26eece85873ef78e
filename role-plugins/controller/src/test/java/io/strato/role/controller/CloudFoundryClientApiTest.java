package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.role.controller.ControllerFixture.Reply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Cloud Foundry's own clients rely on beyond v2's basics: the public root document, v3 lookups by name with
 * v3's pages and errors, a list that is empty but one page, resource matching, asynchronous uploads and jobs, and
 * that none of it shows another tenant anything (404 as for what does not exist).
 */
class CloudFoundryClientApiTest {

    private static ControllerFixture c;
    private static String org;
    private static String space;
    private static String otherToken;

    @BeforeAll
    static void cloud() throws Exception {
        c = new ControllerFixture();
        org = c.post("/v2/organizations", "{\"name\":\"acme\"}").json().at("/metadata/guid").asText();
        space = c.post("/v2/spaces", "{\"name\":\"dev\",\"organization_guid\":\"" + org + "\"}").json()
                .at("/metadata/guid").asText();
        c.users.add("mallory", "mallory's password", false);
        otherToken = c.login("mallory", "mallory's password").json().get("access_token").asText();
    }

    @AfterAll
    static void stop() {
        c.close();
    }

    @Test
    void theRootDocumentNeedsNoLoginAndNamesTheApis() throws Exception {
        Reply root = c.send(HttpRequest.newBuilder(URI.create(c.url + "/")).GET());
        assertEquals(200, root.status(), root.body());
        JsonNode links = root.json().get("links");
        assertEquals(c.url + "/v2", links.at("/cloud_controller_v2/href").asText());
        assertEquals(c.url + "/v3", links.at("/cloud_controller_v3/href").asText());
        assertEquals(c.url, links.at("/uaa/href").asText());
        assertEquals(c.url, links.at("/login/href").asText());
        String doppler = links.at("/logging/href").asText();
        assertTrue(doppler.startsWith("ws://127.0.0.1:"), doppler);
        assertEquals(doppler, c.send(HttpRequest.newBuilder(URI.create(c.url + "/v2/info")).GET()).json()
                .get("doppler_logging_endpoint").asText());
    }

    @Test
    void tokensAreCheckedAgainstThePublicTokenKeyAsUaasAre() throws Exception {
        Reply keys = c.send(HttpRequest.newBuilder(URI.create(c.url + "/token_keys")).GET());
        assertEquals(200, keys.status(), keys.body());
        JsonNode key = keys.json().at("/keys/0");
        assertEquals("RS256", key.get("alg").asText());
        String[] token = c.token().split("\\.");
        JsonNode header = io.strato.api.json.Json.mapper().readTree(java.util.Base64.getUrlDecoder().decode(token[0]));
        assertEquals(key.get("kid").asText(), header.get("kid").asText());
        java.security.PublicKey pub = java.security.KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.X509EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(key.get("value")
                        .asText().replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", ""))));
        java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
        rsa.initVerify(pub);
        rsa.update((token[0] + "." + token[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rsa.verify(java.util.Base64.getUrlDecoder().decode(token[2])), "the token verifies with the key");
    }

    @Test
    void anEmptyListIsOnePageAsCloudControllersPaginatorAnswers() throws Exception {
        JsonNode v2 = c.get("/v2/apps?q=name:nothing-" + UUID.randomUUID()).json();
        assertEquals(0, v2.get("total_results").asInt());
        assertEquals(1, v2.get("total_pages").asInt());
        assertTrue(v2.get("next_url").isNull());
        JsonNode v3 = c.get("/v3/apps?names=nothing").json();
        assertEquals(1, v3.at("/pagination/total_pages").asInt());
        assertTrue(v3.at("/pagination/next").isNull());
    }

    @Test
    void v3FindsOrganizationsSpacesAndAppsByNameAndHidesOtherTenants() throws Exception {
        JsonNode orgs = c.get("/v3/organizations?names=acme").json();
        assertEquals(org, orgs.at("/resources/0/guid").asText());
        JsonNode spaces = c.get("/v3/spaces?names=dev&organization_guids=" + org).json();
        assertEquals(space, spaces.at("/resources/0/guid").asText());
        assertEquals(org, spaces.at("/resources/0/relationships/organization/data/guid").asText());
        String app = c.createApp("{\"name\":\"web\",\"space_guid\":\"" + space + "\"}");
        JsonNode apps = c.get("/v3/apps?names=web&space_guids=" + space).json();
        assertEquals(app, apps.at("/resources/0/guid").asText());
        assertEquals("buildpack", apps.at("/resources/0/lifecycle/type").asText());

        assertEquals(0, as(otherToken, "/v3/organizations?names=acme").json().at("/pagination/total_results").asInt());
        assertEquals(0, as(otherToken, "/v3/apps?names=web").json().at("/pagination/total_results").asInt());
        Reply hidden = as(otherToken, "/v3/apps/" + app);
        assertEquals(404, hidden.status());
        assertEquals("CF-ResourceNotFound", hidden.json().at("/errors/0/title").asText());
        assertEquals(404, as(otherToken, "/v3/organizations/" + org).status());
        assertEquals(404, as(otherToken, "/v3/apps/" + app + "/env").status());
        assertEquals(404, as(otherToken, "/v2/apps/" + app + "/summary").status());
    }

    @Test
    void theAppSummaryHasItsRoutesAndStack() throws Exception {
        String app = c.createApp("{\"name\":\"summed\",\"space_guid\":\"" + space + "\"}");
        String route = c.post("/v2/routes", "{\"host\":\"summed\",\"space_guid\":\"" + space + "\"}").json()
                .at("/metadata/guid").asText();
        assertEquals(201, c.put("/v2/apps/" + app + "/routes/" + route, "").status());
        JsonNode summary = c.get("/v2/apps/" + app + "/summary").json();
        assertEquals("summed", summary.at("/routes/0/host").asText());
        assertEquals(0, summary.get("running_instances").asInt());
        String stack = summary.get("stack_guid").asText();
        assertEquals("strato", c.get("/v2/stacks/" + stack).json().at("/entity/name").asText());
        assertEquals(app, c.get("/v2/routes/" + route + "/apps").json().at("/resources/0/metadata/guid").asText());
    }

    @Test
    void aSecondUploadLeavesOutWhatTheControllerHasAndTheAppGetsItAll() throws Exception {
        String app = c.createApp("{\"name\":\"big\",\"space_guid\":\"" + space + "\"}");
        byte[] large = new byte[300_000];
        new Random(7).nextBytes(large);
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(large));
        assertEquals(201, upload(app, Map.of("lib/large.bin", large, "index.html", "v1".getBytes()), "[]", false).status());

        String listed = "[{\"sha1\":\"" + sha1 + "\",\"size\":" + large.length + "},{\"sha1\":\"" + "1".repeat(40)
                + "\",\"size\":70000}]";
        JsonNode matched = c.put("/v2/resource_match", listed).json();
        assertEquals(1, matched.size());
        assertEquals(sha1, matched.get(0).get("sha1").asText());
        assertEquals(0, put(otherToken, "/v2/resource_match", listed).json().size(),
                "another user's files are never matched for it");

        Reply second = upload(app, Map.of("index.html", "v2".getBytes()),
                "[{\"fn\":\"lib/large.bin\",\"sha1\":\"" + sha1 + "\",\"size\":" + large.length + ",\"mode\":\"644\"}]", true);
        assertEquals(201, second.status(), second.body());
        String job = second.json().at("/metadata/guid").asText();
        assertEquals("finished", second.json().at("/entity/status").asText());
        assertEquals("finished", c.get("/v2/jobs/" + job).json().at("/entity/status").asText());
        assertEquals(404, as(otherToken, "/v2/jobs/" + job).status());

        Map<String, byte[]> pkg = unzip(c.sendForBytes(c.internal("/internal/v2/packages/" + app).GET()).body());
        assertEquals("v2", new String(pkg.get("index.html"), StandardCharsets.UTF_8));
        assertTrue(java.util.Arrays.equals(large, pkg.get("lib/large.bin")));
    }

    @Test
    void anUploadCannotClaimAFileTheUserNeverSent() throws Exception {
        String app = c.createApp("{\"name\":\"claims\",\"space_guid\":\"" + space + "\"}");
        Reply refused = upload(app, Map.of("index.html", "x".getBytes()),
                "[{\"fn\":\"secret.bin\",\"sha1\":\"" + "2".repeat(40) + "\",\"size\":70000,\"mode\":\"644\"}]", false);
        assertEquals(400, refused.status());
        assertEquals("CF-AppBitsUploadInvalid", refused.json().get("error_code").asText());
    }

    @Test
    void aShortResourceListCannotInflateOneCachedFileBeyondTheUploadLimits() throws Exception {
        String app = c.createApp("{\"name\":\"inflated\",\"space_guid\":\"" + space + "\"}");
        byte[] large = new byte[500_000];
        new Random(11).nextBytes(large);
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(large));
        assertEquals(201, upload(app, Map.of("large.bin", large), "[]", false).status());
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < 90; i++) { // 45 MB named, the test cloud inflates uploads to 40 MB at most
            list.append(i == 0 ? "" : ",").append("{\"fn\":\"copy-").append(i).append(".bin\",\"sha1\":\"").append(sha1)
                    .append("\",\"size\":").append(large.length).append(",\"mode\":\"644\"}");
        }
        Reply refused = upload(app, Map.of("index.html", "x".getBytes()), list.append("]").toString(), false);
        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.body().contains("more than 40 MB"), refused.body());
    }

    @Test
    void restageStagesTheBitsAgainAndStartsTheApp() throws Exception {
        String app = c.createApp("{\"name\":\"again\",\"space_guid\":\"" + space + "\"}");
        assertEquals(400, c.post("/v2/apps/" + app + "/restage", "").status(), "nothing to stage yet");
        assertEquals(201, upload(app, Map.of("index.html", "hi".getBytes()), "[]", false).status());
        Reply restaged = c.post("/v2/apps/" + app + "/restage", "");
        assertEquals(201, restaged.status(), restaged.body());
        assertEquals("STARTED", restaged.json().at("/entity/state").asText());
        // staging was asked for again (this test cloud has no stager to do it)
        assertEquals("no stager is available in the cluster",
                c.get("/v2/apps/" + app).json().at("/entity/staging_failed_reason").asText());
    }

    @Test
    void recentLogsAreLoggregatorEnvelopesInAMultipartBody() throws Exception {
        String app = c.createApp("{\"name\":\"talker\",\"space_guid\":\"" + space + "\"}");
        c.shared.topic(io.strato.api.app.Channels.APP_LOGS).publish(io.strato.api.json.Json.write(
                new io.strato.api.app.LogLine(app, 1_700_000_000_000L, "App", 0, "stdout", "hello from the app")));
        var r = c.sendForBytes(c.authed("/apps/" + app + "/recentlogs").GET());
        assertEquals(200, r.statusCode());
        String type = r.headers().firstValue("Content-Type").orElseThrow();
        assertTrue(type.startsWith("multipart/x-protobuf; boundary="), type);
        String boundary = type.substring(type.indexOf('=') + 1);
        String body = new String(r.body(), StandardCharsets.ISO_8859_1);
        assertTrue(body.startsWith("--" + boundary + "\r\n\r\n"), body);
        assertTrue(body.endsWith("\r\n--" + boundary + "--\r\n"), body);
        assertTrue(body.contains("hello from the app") && body.contains("APP/PROC/WEB") && body.contains(app), body);
        assertEquals(404, as(otherToken, "/apps/" + app + "/recentlogs").status());
    }

    private static Reply upload(String app, Map<String, byte[]> files, String resources, boolean async) throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                out.putNextEntry(new ZipEntry(f.getKey()));
                out.write(f.getValue());
                out.closeEntry();
            }
        }
        String boundary = "b-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"resources\"\r\n\r\n" + resources
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"application\"; filename=\"a.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(zip.toByteArray());
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return c.send(c.authed("/v2/apps/" + app + "/bits" + (async ? "?async=true" : ""))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private static Reply as(String token, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(c.url + path)).header("Authorization", "bearer " + token).GET());
    }

    private static Reply put(String token, String path, String json) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(c.url + path)).header("Authorization", "bearer " + token)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }
}
