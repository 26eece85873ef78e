package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static io.strato.cli.FakeController.page;
import static io.strato.cli.FakeController.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenancyCommandsTest {

    @TempDir
    Path home;

    private FakeController controller;
    private CliRun cli;

    @BeforeEach
    void start() throws Exception {
        controller = new FakeController();
        controller.json("GET", "/v2/info", 200, "{\"name\":\"strato\",\"api_version\":\"2.0.0\","
                        + "\"token_endpoint\":\"" + controller.url() + "\"}")
                .json("GET", "/v2/organizations", 200, page(TargetCommandTest.ACME))
                .json("GET", "/v2/organizations/org-1/spaces", 200, page(TargetCommandTest.DEV))
                .json("GET", "/v2/quota_definitions", 200, page(resource("q-1", "{\"name\":\"default\","
                        + "\"non_basic_services_allowed\":true,\"total_services\":100,\"total_routes\":1000,"
                        + "\"memory_limit\":10240,\"instance_memory_limit\":-1,\"app_instance_limit\":-1}")));
        cli = new CliRun(home).loggedIn(controller.url());
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    private JsonNode body(String method, String path, int index) throws Exception {
        return ApiClient.JSON.readTree(controller.requests(method, path).get(index).body());
    }

    @Test
    void orgsAndSpacesAreListed() {
        CliRun.Result orgs = cli.run("orgs");
        assertEquals(0, orgs.exitCode(), orgs.err());
        assertEquals("name  quota    status\nacme  default  active\n", orgs.out());

        CliRun.Result spaces = cli.run("spaces");
        assertEquals(0, spaces.exitCode(), spaces.err());
        assertEquals("name\ndev\n", spaces.out());
    }

    @Test
    void createOrgWithQuotaAndCreateSpaceInTheTargetedOrg() throws Exception {
        controller.json("POST", "/v2/organizations", 201, resource("org-2", "{\"name\":\"beta\"}"))
                .json("POST", "/v2/spaces", 201, resource("space-9", "{\"name\":\"qa\"}"));

        CliRun.Result org = cli.run("create-org", "beta", "-q", "default");
        assertEquals(0, org.exitCode(), org.err());
        JsonNode created = body("POST", "/v2/organizations", 0);
        assertEquals("beta", created.path("name").asText());
        assertEquals("q-1", created.path("quota_definition_guid").asText());

        CliRun.Result space = cli.run("create-space", "qa");
        assertEquals(0, space.exitCode(), space.err());
        JsonNode createdSpace = body("POST", "/v2/spaces", 0);
        assertEquals("qa", createdSpace.path("name").asText());
        assertEquals("org-1", createdSpace.path("organization_guid").asText());
    }

    @Test
    void deletesAskUnlessForcedAndForgetTheTarget() {
        controller.json("DELETE", "/v2/spaces/space-1", 204, "")
                .json("DELETE", "/v2/organizations/org-1", 204, "");

        CliRun.Result no = cli.stdin("n\n").run("delete-space", "dev");
        assertEquals(0, no.exitCode(), no.err());
        assertEquals("Not deleted\n", no.out());
        assertTrue(controller.requests("DELETE", "/v2/spaces/space-1").isEmpty());

        CliRun.Result yes = cli.stdin("y\n").run("delete-space", "dev", "-o", "acme");
        assertEquals(0, yes.exitCode(), yes.err());
        assertEquals("recursive=true", controller.requests("DELETE", "/v2/spaces/space-1").get(0).query());
        assertEquals(null, cli.config().load().spaceGuid());

        CliRun.Result org = cli.stdin("").run("delete-org", "acme", "-f");
        assertEquals(0, org.exitCode(), org.err());
        assertEquals(1, controller.requests("DELETE", "/v2/organizations/org-1").size());
        assertEquals(null, cli.config().load().orgGuid());
    }

    @Test
    void setSpaceRoleMakesTheUserAnOrgUserFirst() throws Exception {
        controller.json("GET", "/v2/organizations/org-1/users", 200,
                        page(resource("u-1", "{\"username\":\"alice\"}")))
                .json("PUT", "/v2/organizations/org-1/users", 201, "{}")
                .json("PUT", "/v2/spaces/space-1/developers", 201, "{}");

        CliRun.Result bob = cli.run("set-space-role", "bob", "acme", "dev", "SpaceDeveloper");

        assertEquals(0, bob.exitCode(), bob.err());
        assertEquals("bob", body("PUT", "/v2/organizations/org-1/users", 0).path("username").asText());
        assertEquals("bob", body("PUT", "/v2/spaces/space-1/developers", 0).path("username").asText());
        int orgUser = controller.requests.indexOf(controller.requests("PUT", "/v2/organizations/org-1/users").get(0));
        int spaceDev = controller.requests.indexOf(controller.requests("PUT", "/v2/spaces/space-1/developers").get(0));
        assertTrue(orgUser < spaceDev, "org user first");

        CliRun.Result alice = cli.run("set-space-role", "alice", "acme", "dev", "SpaceDeveloper");
        assertEquals(0, alice.exitCode(), alice.err());
        assertEquals(1, controller.requests("PUT", "/v2/organizations/org-1/users").size(), "alice already is one");
    }

    @Test
    void orgRolesAreSetAndRemovedByName() throws Exception {
        controller.json("PUT", "/v2/organizations/org-1/managers", 201, "{}")
                .json("POST", "/v2/organizations/org-1/billing_managers/remove", 204, "");

        CliRun.Result set = cli.run("set-org-role", "bob", "acme", "OrgManager");
        assertEquals(0, set.exitCode(), set.err());
        assertEquals("bob", body("PUT", "/v2/organizations/org-1/managers", 0).path("username").asText());

        CliRun.Result unset = cli.run("unset-org-role", "bob", "acme", "BillingManager");
        assertEquals(0, unset.exitCode(), unset.err());
        assertEquals("bob", body("POST", "/v2/organizations/org-1/billing_managers/remove", 0).path("username").asText());

        CliRun.Result bad = cli.run("set-org-role", "bob", "acme", "SpaceDeveloper");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("use one of OrgManager, BillingManager, OrgAuditor, OrgUser"), bad.err());
    }

    @Test
    void orgUsersGroupsByRole() {
        controller.json("GET", "/v2/organizations/org-1/managers", 200, page(resource("u-1", "{\"username\":\"alice\"}")))
                .json("GET", "/v2/organizations/org-1/billing_managers", 200, page())
                .json("GET", "/v2/organizations/org-1/auditors", 200, page())
                .json("GET", "/v2/organizations/org-1/users", 200, page(resource("u-1", "{\"username\":\"alice\"}"),
                        resource("u-2", "{\"username\":\"bob\"}")));

        CliRun.Result users = cli.run("org-users", "acme");

        assertEquals(0, users.exitCode(), users.err());
        assertEquals("Getting users in org acme as dev...\n\nORG MANAGER\n  alice\n\nBILLING MANAGER\n"
                + "  No BILLING MANAGER found\n\nORG AUDITOR\n  No ORG AUDITOR found\n\nORG USER\n  alice\n  bob\n",
                users.out());
    }

    @Test
    void createQuotaParsesCfFlagsIntoTheBody() throws Exception {
        controller.json("POST", "/v2/quota_definitions", 201, resource("q-2", "{\"name\":\"big\"}"));

        CliRun.Result create = cli.run("create-quota", "big", "-m", "10G", "-i", "-1", "-a", "-1", "-r", "1000",
                "-s", "100", "--allow-paid-service-plans");

        assertEquals(0, create.exitCode(), create.err());
        JsonNode quota = body("POST", "/v2/quota_definitions", 0);
        assertEquals("big", quota.path("name").asText());
        assertEquals(10240, quota.path("memory_limit").asInt());
        assertEquals(-1, quota.path("instance_memory_limit").asInt());
        assertEquals(-1, quota.path("app_instance_limit").asInt());
        assertEquals(1000, quota.path("total_routes").asInt());
        assertEquals(100, quota.path("total_services").asInt());
        assertTrue(quota.path("non_basic_services_allowed").asBoolean());

        CliRun.Result small = cli.run("create-quota", "small", "-m", "512M", "-i", "256M");
        assertEquals(0, small.exitCode(), small.err());
        JsonNode smallQuota = body("POST", "/v2/quota_definitions", 1);
        assertEquals(512, smallQuota.path("memory_limit").asInt());
        assertEquals(256, smallQuota.path("instance_memory_limit").asInt());
        assertEquals(false, smallQuota.path("non_basic_services_allowed").asBoolean());
    }

    @Test
    void quotasAreListedAndSetOnAnOrg() throws Exception {
        controller.json("PUT", "/v2/organizations/org-1", 201, TargetCommandTest.ACME);

        CliRun.Result quotas = cli.run("quotas");
        assertEquals(0, quotas.exitCode(), quotas.err());
        assertTrue(quotas.out().contains("default  10G           unlimited        1000    100                allowed"),
                quotas.out());

        CliRun.Result set = cli.run("set-quota", "acme", "default");
        assertEquals(0, set.exitCode(), set.err());
        assertEquals("q-1", body("PUT", "/v2/organizations/org-1", 0).path("quota_definition_guid").asText());
    }

    @Test
    void quotaRefusalsShowTheControllersDescription() {
        controller.json("POST", "/v2/spaces", 400, FakeController.error(310007, "CF-SpaceQuotaTotalSpacesExceeded",
                "You have exceeded the total spaces for your organization's quota."));
        CliRun.Result space = cli.run("create-space", "qa");
        assertEquals(1, space.exitCode());
        assertEquals("You have exceeded the total spaces for your organization's quota. "
                + "(CF-SpaceQuotaTotalSpacesExceeded)", space.err().trim());
    }

    @Test
    void createAndDeleteUser() throws Exception {
        controller.json("POST", "/Users", 201, "{\"id\":\"u-7\",\"userName\":\"bob\"}")
                .json("GET", "/Users", 200, "{\"resources\":[{\"id\":\"u-7\",\"userName\":\"bob\"}]}")
                .json("DELETE", "/Users/u-7", 200, "");

        CliRun.Result create = cli.run("create-user", "bob", "s3cret");
        assertEquals(0, create.exitCode(), create.err());
        JsonNode user = body("POST", "/Users", 0);
        assertEquals("bob", user.path("userName").asText());
        assertEquals("s3cret", user.path("password").asText());
        assertEquals("bob", user.path("emails").path(0).path("value").asText());

        CliRun.Result delete = cli.run("delete-user", "bob", "-f");
        assertEquals(0, delete.exitCode(), delete.err());
        assertTrue(controller.requests("GET", "/Users").get(0).query().contains("userName eq \"bob\""));
        assertEquals(1, controller.requests("DELETE", "/Users/u-7").size());
    }

    static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    @Test
    void passwdSendsOldAndNewThenLogsInAgain() throws Exception {
        Config config = cli.config().load();
        cli.config().save(new Config(config.target(), "dev", jwt("{\"user_id\":\"u-1\",\"user_name\":\"dev\"}"),
                config.tokenExpiresAt(), "ref-0", "org-1", "acme", "space-1", "dev"));
        controller.on("PUT", "/Users/u-1/password", (exchange, request) -> {
            boolean right = request.text().contains("\"oldPassword\":\"old\"");
            FakeController.respond(exchange, right ? 200 : 401, right ? "{}"
                    : FakeController.error(401, "CF-InvalidAuthToken", "old password is wrong"));
        }).json("POST", "/oauth/token", 200, "{\"access_token\":\"tok-new\",\"refresh_token\":\"ref-new\",\"expires_in\":60}");

        CliRun.Result wrong = cli.run("passwd", "--old", "nope", "--new", "fresh");
        assertEquals(1, wrong.exitCode());
        assertEquals("The current password is wrong: nothing changed", wrong.err().trim());
        assertTrue(controller.requests("POST", "/oauth/token").isEmpty(), "no refresh, no login");

        CliRun.Result passwd = cli.stdin("old\nfresh\nfresh\n").run("passwd");
        assertEquals(0, passwd.exitCode(), passwd.err());
        JsonNode change = body("PUT", "/Users/u-1/password", 1);
        assertEquals("old", change.path("oldPassword").asText());
        assertEquals("fresh", change.path("password").asText());
        String login = controller.requests("POST", "/oauth/token").get(0).text();
        assertEquals("grant_type=password&username=dev&password=fresh", login);
        Config after = cli.config().load();
        assertEquals("tok-new", after.token());
        assertEquals("ref-new", after.refreshToken());
        assertEquals("space-1", after.spaceGuid(), "the target stays");
    }

    @Test
    void aRefusedTokenIsRefreshedOnceAndTheCallRetried() {
        Config config = cli.config().load();
        cli.config().save(new Config(config.target(), "dev", "old-token", config.tokenExpiresAt(), "ref-1",
                "org-1", "acme", "space-1", "dev"));
        controller.on("GET", "/v2/spaces/space-1/apps", (exchange, request) -> {
            boolean fresh = "bearer tok-2".equals(request.header("Authorization"));
            FakeController.respond(exchange, fresh ? 200 : 401, fresh ? page()
                    : FakeController.error(1000, "CF-InvalidAuthToken", "Invalid Auth Token"));
        }).json("POST", "/oauth/token", 200, "{\"access_token\":\"tok-2\",\"expires_in\":3600}");

        CliRun.Result apps = cli.run("apps");

        assertEquals(0, apps.exitCode(), apps.err());
        List<FakeController.Request> calls = controller.requests("GET", "/v2/spaces/space-1/apps");
        assertEquals(2, calls.size());
        assertEquals("grant_type=refresh_token&refresh_token=ref-1",
                controller.requests("POST", "/oauth/token").get(0).text());
        Config after = cli.config().load();
        assertEquals("tok-2", after.token());
        assertEquals("ref-1", after.refreshToken(), "kept when the answer has no new one");

        controller.json("POST", "/oauth/token", 401, FakeController.error(1000, "CF-InvalidAuthToken", "expired"));
        controller.json("GET", "/v2/spaces/space-1/apps", 401, FakeController.error(1000, "CF-InvalidAuthToken", "no"));
        CliRun.Result refused = cli.run("apps");
        assertEquals(1, refused.exitCode());
        assertEquals("Not logged in: run `strato login`", refused.err().trim());
    }

    @Test
    void anExpiredTokenIsRefreshedBeforeTheCall() {
        Config config = cli.config().load();
        cli.config().save(new Config(config.target(), "dev", "old-token", 1L, "ref-1",
                "org-1", "acme", "space-1", "dev"));
        controller.json("POST", "/oauth/token", 200, "{\"access_token\":\"tok-3\",\"expires_in\":3600}")
                .json("GET", "/v2/spaces/space-1/apps", 200, page());

        CliRun.Result apps = cli.run("apps");

        assertEquals(0, apps.exitCode(), apps.err());
        assertEquals("bearer tok-3", controller.requests("GET", "/v2/spaces/space-1/apps").get(0).header("Authorization"));

        cli.config().save(new Config(config.target(), "dev", "old-token", 1L));
        CliRun.Result expired = cli.run("orgs");
        assertEquals(1, expired.exitCode());
        assertEquals("Login expired: run `strato login`", expired.err().trim());
    }
}
