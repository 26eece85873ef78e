package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.role.controller.ControllerFixture.Reply;
import io.strato.role.controller.users.TokenService;
import io.strato.role.controller.users.UserAccount;
import io.strato.testkit.TestCluster;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API as a CF client uses it: login, errors, apps, routes, orgs and spaces. */
class ApiTest {

    static ControllerFixture c;

    @BeforeAll
    static void start() throws Exception {
        c = new ControllerFixture();
    }

    @AfterAll
    static void stop() {
        c.close();
    }

    private Reply anonymous(String path, String authorization) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(c.url + path)).GET();
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return c.send(r);
    }

    private static void assertCfError(Reply r, int status, int code, String errorCode) {
        assertEquals(status, r.status(), r.body());
        JsonNode json = r.json();
        assertEquals(code, json.get("code").asInt(), r.body());
        assertEquals(errorCode, json.get("error_code").asText(), r.body());
        assertFalse(json.get("description").asText().isBlank());
    }

    @Test
    void infoTellsTheAppPortWhenRoutersAgreeOnOneThatIsNot80() throws Exception {
        var routers = c.shared.map(io.strato.api.app.Channels.ROUTERS);
        try {
            assertFalse(anonymous("/v2/info", null).json().has("app_port"), "no router, no port");
            routers.put("node-a", io.strato.api.json.Json.write(new io.strato.api.app.RouterEndpoint("0.0.0.0", 8080)));
            assertEquals(8080, anonymous("/v2/info", null).json().get("app_port").asInt());
            routers.put("node-b", io.strato.api.json.Json.write(new io.strato.api.app.RouterEndpoint("0.0.0.0", 80)));
            assertFalse(anonymous("/v2/info", null).json().has("app_port"), "routers disagree: no single port to tell");
        } finally {
            routers.remove("node-a");
            routers.remove("node-b");
        }
    }

    @Test
    void infoNeedsNoTokenAndPointsClientsAtTheTokenEndpoint() throws Exception {
        Reply r = anonymous("/v2/info", null);
        assertEquals(200, r.status());
        assertEquals("strato", r.json().get("name").asText());
        assertEquals("2.0.0", r.json().get("api_version").asText());
        assertEquals(c.url, r.json().get("token_endpoint").asText());
        assertEquals(c.url, r.json().get("authorization_endpoint").asText());
        assertFalse(r.json().has("user"));
        assertEquals(ControllerFixture.USER, anonymous("/v2/info", "bearer " + c.token()).json().get("user").asText());
    }

    @Test
    void theRootLeadsBrowsersToTheConsoleWithoutAToken() throws Exception {
        Reply r = c.send(HttpRequest.newBuilder(URI.create(c.url + "/")).header("Accept", "text/html,application/xhtml+xml").GET());
        assertEquals(302, r.status(), r.body());
        assertEquals("/console/", r.header("Location"), "relative, so the browser stays on the host it asked");
        assertCfError(anonymous("/v2/nothing-here", null), 401, 1000, "CF-InvalidAuthToken");
    }

    @Test
    void loginIssuesABearerTokenThatOpensTheApi() throws Exception {
        Reply r = c.login(ControllerFixture.USER, ControllerFixture.PASSWORD);
        assertEquals(200, r.status(), r.body());
        assertEquals("bearer", r.json().get("token_type").asText());
        assertTrue(r.json().get("scope").asText().startsWith("cloud_controller.read cloud_controller.write"));
        assertTrue(r.json().get("expires_in").asLong() > 0);
        assertNotNull(r.json().get("jti"));
        assertEquals(200, anonymous("/v2/apps", "bearer " + r.json().get("access_token").asText()).status());
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheUaaError() throws Exception {
        for (Reply r : new Reply[] {c.login(ControllerFixture.USER, "wrong password"), c.login("nobody", "whatever123")}) {
            assertEquals(401, r.status());
            assertEquals("unauthorized", r.json().get("error").asText());
            assertEquals("Bad credentials", r.json().get("error_description").asText());
        }
    }

    @Test
    void missingBadAndExpiredTokensAreRefusedInCfForm() throws Exception {
        assertCfError(anonymous("/v2/apps", null), 401, 1000, "CF-InvalidAuthToken");
        assertCfError(anonymous("/v2/apps", "bearer not-a-token"), 401, 1000, "CF-InvalidAuthToken");
        UserAccount alice = c.users.find(ControllerFixture.USER).orElseThrow();
        Clock yesterday = Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC);
        io.strato.role.controller.users.SigningKey clusterKey = io.strato.role.controller.users.SigningKey.loadOrCreate(
                new Sql(c.database.dataSource()), ControllerFixture.SECRET);
        String expired = new TokenService(ControllerFixture.SECRET, clusterKey, Duration.ofMinutes(10), yesterday, "x")
                .issue(alice).accessToken();
        assertCfError(anonymous("/v2/apps", "bearer " + expired), 401, 1000, "CF-InvalidAuthToken");
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String otherCluster = new TokenService("another secret", new io.strato.role.controller.users.SigningKey(
                clusterKey.kid(), rsa.generateKeyPair()), Duration.ofMinutes(10), Clock.systemUTC(), "x")
                .issue(alice).accessToken();
        assertCfError(anonymous("/v2/apps", "bearer " + otherCluster), 401, 1000, "CF-InvalidAuthToken");
    }

    @Test
    void aDeletedUsersTokenStopsWorking() throws Exception {
        c.users.add("bob", "bob's password", false);
        String token = c.login("bob", "bob's password").json().get("access_token").asText();
        assertEquals(200, anonymous("/v2/apps", "bearer " + token).status());
        c.users.delete("bob");
        assertCfError(anonymous("/v2/apps", "bearer " + token), 401, 1000, "CF-InvalidAuthToken");
    }

    @Test
    void onlyAdminsListUsers() throws Exception {
        assertEquals(200, c.get("/v2/users").status());
        c.users.add("carol", "carol's password", false);
        String token = c.login("carol", "carol's password").json().get("access_token").asText();
        assertCfError(anonymous("/v2/users", "bearer " + token), 403, 10003, "CF-NotAuthorized");
    }

    @Test
    void everyResponseCarriesTheRequestId() throws Exception {
        Reply echoed = c.send(c.authed("/v2/apps").header("X-VCAP-Request-ID", "trace-123").GET());
        assertEquals("trace-123", echoed.header("X-VCAP-Request-ID"));
        assertNotNull(anonymous("/v2/apps", null).header("X-VCAP-Request-ID"));
        assertNotNull(c.get("/v2/nothing/here").header("X-VCAP-Request-ID"));
    }

    @Test
    void malformedJsonIsAParseError() throws Exception {
        assertCfError(c.post("/v2/apps", "{\"name\": "), 400, 1001, "CF-MessageParseError");
        assertCfError(c.post("/v2/apps", "[1, 2]"), 400, 1001, "CF-MessageParseError");
        assertCfError(c.post("/v2/apps", "{\"name\": \"x\", \"memory\": \"lots\"}"), 400, 1001, "CF-MessageParseError");
    }

    @Test
    void unknownGuidsAndPathsAre404InCfForm() throws Exception {
        assertCfError(c.get("/v2/apps/00000000-0000-0000-0000-000000000000"), 404, 100004, "CF-AppNotFound");
        assertCfError(c.put("/v2/apps/nope", "{}"), 404, 100004, "CF-AppNotFound");
        assertCfError(c.delete("/v2/apps/nope"), 404, 100004, "CF-AppNotFound");
        assertCfError(c.get("/v2/apps/nope/instances"), 404, 100004, "CF-AppNotFound");
        assertCfError(c.get("/v2/routes/nope"), 404, 210002, "CF-RouteNotFound");
        assertCfError(c.get("/v2/spaces/nope"), 404, 40004, "CF-SpaceNotFound");
        assertCfError(c.get("/v2/no/such/thing"), 404, 10000, "CF-NotFound");
        assertCfError(c.send(c.authed("/v2/info").DELETE()), 404, 10000, "CF-NotFound");
    }

    @Test
    void appsAreCreatedReadUpdatedAndDeleted() throws Exception {
        Reply created = c.post("/v2/apps", "{\"name\":\"crud\",\"environment_json\":{\"GREETING\":\"hi\"}}");
        assertEquals(201, created.status(), created.body());
        JsonNode entity = created.json().get("entity");
        String guid = created.json().at("/metadata/guid").asText();
        assertEquals(256, entity.get("memory").asInt());
        assertEquals(1, entity.get("instances").asInt());
        assertEquals(1024, entity.get("disk_quota").asInt());
        assertEquals("STOPPED", entity.get("state").asText());
        assertEquals("PENDING", entity.get("package_state").asText());
        assertEquals(ControllerSchema.DEFAULT_SPACE_GUID, entity.get("space_guid").asText());
        assertEquals("hi", entity.at("/environment_json/GREETING").asText());
        assertEquals("/v2/apps/" + guid + "/routes", entity.get("routes_url").asText());

        assertCfError(c.post("/v2/apps", "{\"name\":\"crud\"}"), 400, 100002, "CF-AppNameTaken");
        assertCfError(c.post("/v2/apps", "{\"memory\":128}"), 400, 100001, "CF-AppInvalid");

        Reply updated = c.put("/v2/apps/" + guid, "{\"memory\":512,\"instances\":3}");
        assertEquals(201, updated.status(), updated.body());
        assertEquals(512, c.get("/v2/apps/" + guid).json().at("/entity/memory").asInt());
        assertEquals(3, c.get("/v2/apps/" + guid).json().at("/entity/instances").asInt());
        assertEquals("hi", c.get("/v2/apps/" + guid).json().at("/entity/environment_json/GREETING").asText());

        assertEquals(204, c.delete("/v2/apps/" + guid).status());
        assertCfError(c.get("/v2/apps/" + guid), 404, 100004, "CF-AppNotFound");
    }

    @Test
    void absurdInstanceCountsAndMemoryAreRefused() throws Exception {
        String guid = c.createApp("{\"name\":\"bounded\"}");
        assertCfError(c.put("/v2/apps/" + guid, "{\"instances\":2000000000}"), 400, 100001, "CF-AppInvalid");
        assertCfError(c.put("/v2/apps/" + guid, "{\"instances\":101}"), 400, 100001, "CF-AppInvalid");
        assertCfError(c.put("/v2/apps/" + guid, "{\"memory\":2000000000}"), 400, 100001, "CF-AppInvalid");
        assertCfError(c.post("/v2/apps", "{\"name\":\"too-many\",\"instances\":5000}"), 400, 100001, "CF-AppInvalid");
        assertEquals(201, c.put("/v2/apps/" + guid, "{\"instances\":100}").status());
    }

    @Test
    void appListsArePagedAndFilterByName() throws Exception {
        for (int i = 0; i < 5; i++) {
            c.createApp("{\"name\":\"paged-" + i + "\"}");
        }
        JsonNode page = c.get("/v2/apps?results-per-page=2&page=2&q=name:paged-3").json();
        assertEquals(1, page.get("total_results").asInt());
        JsonNode byName = c.get("/v2/apps?q=name:paged-3").json();
        assertEquals(1, byName.get("total_results").asInt());
        assertEquals("paged-3", byName.at("/resources/0/entity/name").asText());

        JsonNode all = c.get("/v2/apps?results-per-page=2").json();
        int total = all.get("total_results").asInt();
        assertTrue(total >= 5);
        assertEquals((total + 1) / 2, all.get("total_pages").asInt());
        assertEquals(2, all.get("resources").size());
        assertTrue(all.get("prev_url").isNull());
        String next = all.get("next_url").asText();
        JsonNode second = c.get(next).json();
        assertEquals(2, second.get("resources").size());
        assertFalse(all.at("/resources/0/metadata/guid").asText().equals(second.at("/resources/0/metadata/guid").asText()));
        assertCfError(c.get("/v2/apps?results-per-page=0"), 400, 10004, "CF-InvalidRequest");
    }

    @Test
    void pagesWalkAppsOfTheSameNameInNameThenGuidOrderWithoutRepeatingOrSkippingAny() throws Exception {
        String org = c.get("/v2/organizations").json().at("/resources/0/metadata/guid").asText();
        List<String> expected = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            String space = c.post("/v2/spaces", "{\"name\":\"ties-" + s + "\",\"organization_guid\":\"" + org + "\"}")
                    .json().at("/metadata/guid").asText();
            for (String name : List.of("tie-a", "tie-b")) {
                expected.add(name + " " + c.post("/v2/apps", "{\"name\":\"" + name + "\",\"space_guid\":\"" + space + "\"}")
                        .json().at("/metadata/guid").asText());
            }
        }
        Collections.sort(expected);
        List<String> seen = new ArrayList<>();
        String url = "/v2/apps?results-per-page=2";
        for (int page = 2; url != null; page++) {
            JsonNode json = c.get(url).json();
            json.get("resources").forEach(r -> {
                if (r.at("/entity/name").asText().startsWith("tie-")) {
                    seen.add(r.at("/entity/name").asText() + " " + r.at("/metadata/guid").asText());
                }
            });
            url = json.get("next_url").isNull() ? null : json.get("next_url").asText();
            assertTrue(url == null || url.equals("/v2/apps?page=" + page + "&results-per-page=2"), url);
        }
        assertEquals(expected, seen);
    }

    @Test
    void theDefaultOrgSpaceAndSharedDomainExist() throws Exception {
        JsonNode orgs = c.get("/v2/organizations").json();
        assertEquals("default", orgs.at("/resources/0/entity/name").asText());
        JsonNode spaces = c.get("/v2/spaces").json();
        assertEquals("default", spaces.at("/resources/0/entity/name").asText());
        assertEquals(200, c.get("/v2/spaces/" + ControllerSchema.DEFAULT_SPACE_GUID).status());
        JsonNode domains = c.get("/v2/shared_domains").json();
        assertEquals(TestCluster.DOMAIN, domains.at("/resources/0/entity/name").asText());
        assertEquals(domains.at("/resources/0/metadata/guid").asText(),
                c.get("/v2/shared_domains").json().at("/resources/0/metadata/guid").asText());
    }

    @Test
    void routesAreCreatedMappedAndAHostIsTakenOnce() throws Exception {
        String domain = c.get("/v2/shared_domains").json().at("/resources/0/metadata/guid").asText();
        Reply route = c.post("/v2/routes", "{\"host\":\"shop\",\"domain_guid\":\"" + domain + "\",\"space_guid\":\""
                + ControllerSchema.DEFAULT_SPACE_GUID + "\"}");
        assertEquals(201, route.status(), route.body());
        String routeGuid = route.json().at("/metadata/guid").asText();
        assertCfError(c.post("/v2/routes", "{\"host\":\"shop\",\"domain_guid\":\"" + domain + "\"}"), 400, 210003,
                "CF-RouteHostTaken");
        assertCfError(c.post("/v2/routes", "{\"host\":\"api\",\"domain_guid\":\"" + domain + "\"}"), 400, 210003,
                "CF-RouteHostTaken");
        assertCfError(c.post("/v2/routes", "{\"host\":\"console\",\"domain_guid\":\"" + domain + "\"}"), 400, 210003,
                "CF-RouteHostTaken");
        assertEquals(1, c.get("/v2/routes?q=host:shop").json().get("total_results").asInt());

        String app = c.createApp("{\"name\":\"shop\"}");
        assertEquals(201, c.put("/v2/apps/" + app + "/routes/" + routeGuid, "").status());
        JsonNode mapped = c.get("/v2/apps/" + app + "/routes").json();
        assertEquals("shop", mapped.at("/resources/0/entity/host").asText());
        assertEquals(TestCluster.DOMAIN.length() > 0, true);
        JsonNode env = c.get("/v2/apps/" + app + "/env").json();
        assertEquals("shop." + TestCluster.DOMAIN, env.at("/application_env_json/VCAP_APPLICATION/uris/0").asText());
        assertTrue(env.at("/system_env_json/VCAP_SERVICES").isObject());

        assertEquals(204, c.delete("/v2/apps/" + app + "/routes/" + routeGuid).status());
        assertEquals(0, c.get("/v2/apps/" + app + "/routes").json().get("total_results").asInt());
        assertEquals(204, c.delete("/v2/routes/" + routeGuid).status());
        assertCfError(c.get("/v2/routes/" + routeGuid), 404, 210002, "CF-RouteNotFound");
    }

    @Test
    void instancesOfAnUnstagedAppAreNotStagedYet() throws Exception {
        String app = c.createApp("{\"name\":\"unstaged\"}");
        assertCfError(c.get("/v2/apps/" + app + "/instances"), 400, 170002, "CF-NotStaged");
        assertNull(c.get("/v2/apps/" + app).json().at("/entity/package_updated_at").textValue());
    }
}
