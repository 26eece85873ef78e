package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.role.controller.ControllerFixture.Reply;
import io.strato.testkit.TestCluster;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Private and shared domains as Cloud Foundry clients use them ({@code cf create-domain}, {@code create-shared-domain},
 * {@code create-route}, {@code push -d}): an organization's managers add its own names, routes of its spaces use
 * them and reach the routers; nobody else sees or uses them, and no domain can take over another owner's names.
 */
class DomainsApiTest {

    private static ControllerFixture c;
    private static String orgA;
    private static String spaceA;
    private static String orgB;
    private static String spaceB;
    private static String managerA;
    private static String developerB;

    @BeforeAll
    static void cloud() throws Exception {
        c = new ControllerFixture();
        orgA = guid(c.post("/v2/organizations", "{\"name\":\"acme\"}"));
        spaceA = guid(c.post("/v2/spaces", "{\"name\":\"prod\",\"organization_guid\":\"" + orgA + "\"}"));
        orgB = guid(c.post("/v2/organizations", "{\"name\":\"rival\"}"));
        spaceB = guid(c.post("/v2/spaces", "{\"name\":\"dev\",\"organization_guid\":\"" + orgB + "\"}"));
        managerA = user("manager-a", "/v2/organizations/" + orgA + "/managers");
        developerB = user("developer-b", "/v2/organizations/" + orgB + "/users");
        assertEquals(201, c.put("/v2/spaces/" + spaceB + "/developers", "{\"username\":\"developer-b\"}").status());
    }

    @AfterAll
    static void stop() {
        c.close();
    }

    @Test
    void anOrgManagerAddsAPrivateDomainWhoseRoutesReachTheApp() throws Exception {
        Reply created = as(managerA, "POST", "/v2/private_domains",
                "{\"name\":\"Apps.Acme.Test\",\"owning_organization_guid\":\"" + orgA + "\"}");
        assertEquals(201, created.status(), created.body());
        assertEquals("apps.acme.test", created.json().at("/entity/name").asText());
        assertEquals(orgA, created.json().at("/entity/owning_organization_guid").asText());
        String domain = guid(created);
        assertEquals(domain, c.get("/v2/organizations/" + orgA + "/private_domains?q=name:apps.acme.test").json()
                .at("/resources/0/metadata/guid").asText());
        assertTrue(as(managerA, "GET", "/v2/private_domains", null).body().contains("\"apps.acme.test\""));

        String app = c.createApp("{\"name\":\"shop\",\"space_guid\":\"" + spaceA + "\"}");
        new Sql(c.database.dataSource()).update("UPDATE ctl_apps SET droplet_hash = 'd', state = 'STARTED' WHERE guid = ?", app);
        String www = guid(c.post("/v2/routes", "{\"host\":\"www\",\"domain_guid\":\"" + domain + "\",\"space_guid\":\""
                + spaceA + "\"}"));
        String bare = guid(c.post("/v2/routes", "{\"host\":\"\",\"domain_guid\":\"" + domain + "\",\"space_guid\":\""
                + spaceA + "\"}"));
        assertEquals(201, c.put("/v2/apps/" + app + "/routes/" + www, "").status());
        assertEquals(201, c.put("/v2/apps/" + app + "/routes/" + bare, "").status());
        awaitUris(app, java.util.List.of("apps.acme.test", "www.apps.acme.test"));
        assertEquals("apps.acme.test", c.get("/v2/domains/" + domain).json().at("/entity/name").asText());
        assertTrue(c.get("/v3/organizations/" + orgA + "/domains?names=apps.acme.test").json()
                .at("/pagination/total_results").asInt() == 1);

        Reply inUse = as(managerA, "DELETE", "/v2/private_domains/" + domain, null);
        assertCfError(inUse, 400, 10006, "CF-AssociationNotEmpty");
        assertEquals(200, c.get("/v2/routes/" + www).status(), "a refused delete deletes nothing");
        assertEquals(204, as(managerA, "DELETE", "/v2/private_domains/" + domain + "?recursive=true", null).status());
        assertEquals(404, c.get("/v2/routes/" + www).status(), "recursive deletes its routes");
        awaitUris(app, java.util.List.of());
    }

    @Test
    void anotherOrganizationNeitherSeesNorUsesAPrivateDomain() throws Exception {
        String domain = guid(as(managerA, "POST", "/v2/private_domains",
                "{\"name\":\"secret.acme.test\",\"owning_organization_guid\":\"" + orgA + "\"}"));
        assertCfError(as(developerB, "POST", "/v2/routes", "{\"host\":\"phish\",\"domain_guid\":\"" + domain
                + "\",\"space_guid\":\"" + spaceB + "\"}"), 404, 130002, "CF-DomainNotFound");
        assertCfError(as(developerB, "GET", "/v2/private_domains/" + domain, null), 404, 130002, "CF-DomainNotFound");
        assertCfError(as(developerB, "GET", "/v2/domains/" + domain, null), 404, 130002, "CF-DomainNotFound");
        assertFalse(as(developerB, "GET", "/v2/private_domains", null).body().contains("secret.acme.test"));
        assertCfError(as(developerB, "DELETE", "/v2/private_domains/" + domain, null), 404, 130002, "CF-DomainNotFound");
        assertCfError(as(developerB, "POST", "/v2/private_domains",
                "{\"name\":\"mine.rival.test\",\"owning_organization_guid\":\"" + orgA + "\"}"), 404, 30003,
                "CF-OrganizationNotFound");
        assertCfError(as(developerB, "POST", "/v2/private_domains",
                "{\"name\":\"mine.rival.test\",\"owning_organization_guid\":\"" + orgB + "\"}"), 403, 10003,
                "CF-NotAuthorized");
        // nor a route on it from a space of the same controller's admin, in the other organization
        assertCfError(c.post("/v2/routes", "{\"host\":\"x\",\"domain_guid\":\"" + domain + "\",\"space_guid\":\""
                + spaceB + "\"}"), 404, 130002, "CF-DomainNotFound");
    }

    @Test
    void aDomainMustBeAFreeDnsNameThatTakesOverNoOtherOwnersNames() throws Exception {
        int before = c.get("/v2/private_domains").json().get("total_results").asInt();
        for (String bad : new String[] {"nodots", "-bad.test", "bad-.test", "a..test", "under_score.test", "",
                "x".repeat(64) + ".test"}) {
            assertCfError(as(managerA, "POST", "/v2/private_domains", "{\"name\":\"" + bad
                    + "\",\"owning_organization_guid\":\"" + orgA + "\"}"), 400, 130001, "CF-DomainInvalid");
        }
        assertCfError(as(managerA, "POST", "/v2/private_domains", "{\"name\":\"" + TestCluster.DOMAIN
                + "\",\"owning_organization_guid\":\"" + orgA + "\"}"), 400, 130003, "CF-DomainNameTaken");
        for (String overlap : new String[] {"api." + TestCluster.DOMAIN, "anything." + TestCluster.DOMAIN}) {
            assertCfError(as(managerA, "POST", "/v2/private_domains", "{\"name\":\"" + overlap
                    + "\",\"owning_organization_guid\":\"" + orgA + "\"}"), 400, 130001, "CF-DomainInvalid");
        }
        assertEquals(201, as(managerA, "POST", "/v2/private_domains",
                "{\"name\":\"owned.test\",\"owning_organization_guid\":\"" + orgA + "\"}").status());
        assertCfError(c.post("/v2/private_domains", "{\"name\":\"owned.test\",\"owning_organization_guid\":\"" + orgB
                + "\"}"), 400, 130003, "CF-DomainNameTaken");
        assertCfError(c.post("/v2/private_domains", "{\"name\":\"shop.owned.test\",\"owning_organization_guid\":\""
                + orgB + "\"}"), 400, 130001, "CF-DomainInvalid");
        assertCfError(c.post("/v2/shared_domains", "{\"name\":\"test\"}"), 400, 130001, "CF-DomainInvalid");
        assertCfError(c.post("/v2/shared_domains", "{\"name\":\"owned.test\"}"), 400, 130003, "CF-DomainNameTaken");
        assertEquals(201, as(managerA, "POST", "/v2/private_domains",
                "{\"name\":\"eu.owned.test\",\"owning_organization_guid\":\"" + orgA + "\"}").status(),
                "an organization may nest its own domains");
        assertEquals(before + 2, c.get("/v2/private_domains").json().get("total_results").asInt(),
                "a refused domain is not stored");
    }

    @Test
    void adminsAddSharedDomainsThatEveryOrganizationsRoutesUse() throws Exception {
        assertCfError(as(managerA, "POST", "/v2/shared_domains", "{\"name\":\"shared.test\"}"), 403, 10003,
                "CF-NotAuthorized");
        Reply created = c.post("/v2/shared_domains", "{\"name\":\"shared.test\"}");
        assertEquals(201, created.status(), created.body());
        String domain = guid(created);
        JsonNode listed = as(developerB, "GET", "/v2/shared_domains?q=name:shared.test", null).json();
        assertEquals(domain, listed.at("/resources/0/metadata/guid").asText());
        assertCfError(as(developerB, "POST", "/v2/routes", "{\"host\":\"\",\"domain_guid\":\"" + domain
                + "\",\"space_guid\":\"" + spaceB + "\"}"), 400, 210001, "CF-RouteInvalid");
        Reply route = as(developerB, "POST", "/v2/routes", "{\"host\":\"blog\",\"domain_guid\":\"" + domain
                + "\",\"space_guid\":\"" + spaceB + "\"}");
        assertEquals(201, route.status(), route.body());
        assertCfError(c.post("/v2/routes", "{\"host\":\"blog\",\"domain_guid\":\"" + domain + "\",\"space_guid\":\""
                + spaceA + "\"}"), 400, 210003, "CF-RouteHostTaken");
        assertCfError(as(managerA, "DELETE", "/v2/shared_domains/" + domain, null), 403, 10003, "CF-NotAuthorized");
        assertCfError(c.delete("/v2/shared_domains/" + domain), 400, 10006, "CF-AssociationNotEmpty");
        String appDomain = c.get("/v2/shared_domains?q=name:" + TestCluster.DOMAIN).json()
                .at("/resources/0/metadata/guid").asText();
        assertCfError(c.delete("/v2/shared_domains/" + appDomain), 400, 130001, "CF-DomainInvalid");
        assertEquals(204, c.delete("/v2/shared_domains/" + domain + "?recursive=true").status());
        assertEquals(404, c.get("/v2/shared_domains/" + domain).status());
    }

    private static void awaitUris(String app, java.util.List<String> uris) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            var desired = c.desired(app);
            java.util.List<String> now = desired.map(d -> d.uris().stream().sorted().toList()).orElse(java.util.List.of());
            if (now.equals(uris)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the app's routes are " + now + ", not " + uris);
            }
            Thread.sleep(50);
        }
    }

    private static String user(String name, String rolePath) throws Exception {
        c.users.add(name, name + " password", false);
        assertEquals(201, c.put(rolePath, "{\"username\":\"" + name + "\"}").status());
        return c.login(name, name + " password").json().get("access_token").asText();
    }

    private static Reply as(String token, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.url + path)).header("Authorization", "bearer " + token);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return c.send(b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)));
    }

    private static String guid(Reply r) {
        assertEquals(201, r.status(), r.body());
        return r.json().at("/metadata/guid").asText();
    }

    private static void assertCfError(Reply r, int status, int code, String errorCode) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.json().get("code").asInt(), r.body());
        assertEquals(errorCode, r.json().get("error_code").asText(), r.body());
    }
}
