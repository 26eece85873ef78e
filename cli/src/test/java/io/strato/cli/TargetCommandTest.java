package io.strato.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.strato.cli.FakeController.page;
import static io.strato.cli.FakeController.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetCommandTest {

    static final String ACME = resource("org-1", "{\"name\":\"acme\",\"quota_definition_guid\":\"q-1\",\"status\":\"active\"}");
    static final String DEV = resource("space-1", "{\"name\":\"dev\",\"organization_guid\":\"org-1\"}");
    static final String PROD = resource("space-2", "{\"name\":\"prod\",\"organization_guid\":\"org-1\"}");

    @TempDir
    Path home;

    private FakeController controller;
    private CliRun cli;

    @BeforeEach
    void start() throws Exception {
        controller = new FakeController();
        controller.json("GET", "/v2/info", 200, "{\"name\":\"strato\",\"api_version\":\"2.0.0\","
                        + "\"token_endpoint\":\"" + controller.url() + "\"}")
                .json("POST", "/oauth/token", 200,
                        "{\"access_token\":\"tok-1\",\"refresh_token\":\"ref-1\",\"expires_in\":3600}")
                .json("GET", "/v2/organizations", 200, page(ACME))
                .on("GET", "/v2/organizations/org-1/spaces", (exchange, request) -> {
                    String query = request.query() == null ? "" : request.query();
                    FakeController.respond(exchange, 200, query.contains("prod") ? page(PROD)
                            : query.contains("dev") ? page(DEV) : page(DEV, PROD));
                });
        cli = new CliRun(home).loggedInWithoutSpace(controller.url());
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    @Test
    void targetOrgAndSpaceIsRememberedAndShown() {
        CliRun.Result target = cli.run("target", "-o", "acme", "-s", "prod");

        assertEquals(0, target.exitCode(), target.err());
        Config config = cli.config().load();
        assertEquals("org-1", config.orgGuid());
        assertEquals("acme", config.orgName());
        assertEquals("space-2", config.spaceGuid());
        assertEquals("prod", config.spaceName());
        assertTrue(controller.requests("GET", "/v2/organizations").get(0).query().contains("name"));

        CliRun.Result shown = cli.run("target");
        assertEquals(0, shown.exitCode(), shown.err());
        assertEquals("Target: " + controller.url() + "\nUser:   dev\nOrg:    acme\nSpace:  prod\n", shown.out());
    }

    @Test
    void orgWithSeveralSpacesAsksForOneAndOrgWithOneTargetsIt() {
        CliRun.Result several = cli.run("target", "-o", "acme");
        assertEquals(0, several.exitCode(), several.err());
        assertNull(cli.config().load().spaceGuid());
        assertEquals("acme", cli.config().load().orgName());
        assertTrue(several.out().contains("strato target -o acme -s SPACE"), several.out());

        controller.json("GET", "/v2/organizations/org-1/spaces", 200, page(DEV));
        CliRun.Result one = cli.run("target", "-o", "acme");
        assertEquals(0, one.exitCode(), one.err());
        assertEquals("space-1", cli.config().load().spaceGuid());
    }

    @Test
    void unknownOrgIsAClearError() {
        controller.json("GET", "/v2/organizations", 200, page());
        CliRun.Result target = cli.run("target", "-o", "nope");
        assertEquals(1, target.exitCode());
        assertEquals("Org 'nope' not found: run `strato orgs` to list them", target.err().trim());
    }

    @Test
    void loginTargetsTheOnlyOrgAndSpaceAndStoresTheRefreshToken() {
        controller.json("GET", "/v2/organizations/org-1/spaces", 200, page(DEV));
        CliRun.Result login = cli.run("login", "--username", "dev", "--password", "pw");

        assertEquals(0, login.exitCode(), login.err());
        Config config = cli.config().load();
        assertEquals("ref-1", config.refreshToken());
        assertEquals("space-1", config.spaceGuid());
        assertTrue(login.out().contains("Space:  dev"), login.out());
    }

    @Test
    void loginWithSeveralSpacesSaysHowToTarget() {
        CliRun.Result login = cli.run("login", "--username", "dev", "--password", "pw");

        assertEquals(0, login.exitCode(), login.err());
        assertNull(cli.config().load().spaceGuid());
        assertTrue(login.out().contains("`strato target -o acme -s SPACE`"), login.out());
    }

    @Test
    void aNewApiTargetForgetsOrgAndSpace() {
        cli.loggedIn(controller.url());
        Config moved = cli.config().load().withTarget("http://elsewhere.example");
        assertNull(moved.orgGuid());
        assertNull(moved.spaceGuid());
        assertNull(moved.token());
    }

    @Test
    void spaceCommandsWithoutATargetedSpaceSaySo() {
        for (String[] args : new String[][]{{"apps"}, {"services"}, {"app", "shop"}, {"create-service", "redis", "c"}}) {
            CliRun.Result result = cli.run(args);
            assertEquals(1, result.exitCode(), String.join(" ", args));
            assertEquals("No space targeted: use 'strato target -o ORG -s SPACE'", result.err().trim());
        }
    }

    @Test
    void appsListsTheTargetedSpacesApps() {
        cli.loggedIn(controller.url());
        controller.json("GET", "/v2/spaces/space-1/apps", 200, page())
                .json("GET", "/v2/apps", 200, page(resource("app-9", "{\"name\":\"elsewhere\"}")));

        CliRun.Result apps = cli.run("apps");

        assertEquals(0, apps.exitCode(), apps.err());
        assertTrue(apps.out().startsWith("Getting apps in org acme / space dev as dev..."), apps.out());
        assertTrue(!apps.out().contains("elsewhere"), apps.out());
        assertEquals(1, controller.requests("GET", "/v2/spaces/space-1/apps").size());
        assertTrue(controller.requests("GET", "/v2/apps").isEmpty());
    }
}
