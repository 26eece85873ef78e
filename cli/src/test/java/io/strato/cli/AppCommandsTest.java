package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppCommandsTest {

    static final String APP = "{\"name\":\"shop\",\"state\":\"STARTED\",\"package_state\":\"STAGED\",\"instances\":2,\"memory\":256}";

    @TempDir
    Path home;

    private FakeController controller;
    private CliRun cli;

    @BeforeEach
    void start() throws Exception {
        controller = new FakeController();
        controller.json("GET", "/v2/spaces/space-1/apps", 200, FakeController.page(FakeController.resource("app-1", APP)))
                .json("GET", "/v2/apps/app-1/routes", 200, FakeController.page(
                        FakeController.resource("route-1", "{\"host\":\"shop\",\"domain_guid\":\"dom-1\"}"),
                        FakeController.resource("route-2", "{\"host\":\"www\",\"domain_guid\":\"dom-1\"}")))
                .json("GET", "/v2/shared_domains", 200,
                        FakeController.page(FakeController.resource("dom-1", "{\"name\":\"strato.local\"}")))
                .json("DELETE", "/v2/apps/app-1", 204, "")
                .json("DELETE", "/v2/routes/route-1", 204, "")
                .json("DELETE", "/v2/routes/route-2", 404, FakeController.error(210002, "CF-RouteNotFound", "gone"));
        cli = new CliRun(home).loggedIn(controller.url());
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    @Test
    void appsListsNameStateInstancesMemoryAndUrls() {
        CliRun.Result apps = cli.run("apps");

        assertEquals(0, apps.exitCode(), apps.err());
        assertEquals("Getting apps in org acme / space dev as dev...\n\n"
                + "name  state    instances  memory  urls\n"
                + "shop  STARTED  2          256M    shop.strato.local, www.strato.local\n", apps.out());
    }

    @Test
    void appShowsUnmeasuredUsageAsUnknownAndMeasuredUsageAsReadings() {
        controller.json("GET", "/v2/apps/app-1/instances", 200,
                        "{\"0\":{\"state\":\"RUNNING\",\"since\":1700000000},\"1\":{\"state\":\"RUNNING\",\"since\":1700000000}}")
                .json("GET", "/v2/apps/app-1/stats", 200, "{\"0\":{\"state\":\"RUNNING\",\"stats\":{\"usage\":{\"cpu\":0,\"mem\":0}}},"
                        + "\"1\":{\"state\":\"RUNNING\",\"stats\":{\"usage\":{\"cpu\":0.25,\"mem\":1048576,\"disk\":3145728}}}}");

        CliRun.Result app = cli.run("app", "shop");

        assertEquals(0, app.exitCode(), app.err());
        String zero = app.out().lines().filter(l -> l.startsWith("0 ")).findFirst().orElse(app.out());
        String used = app.out().lines().filter(l -> l.startsWith("1 ")).findFirst().orElse(app.out());
        assertTrue(zero.matches(".*RUNNING\\s+\\S+\\s+-\\s+-\\s+-\\s*"), zero);
        assertTrue(used.contains("25.0%"), used);
        assertTrue(used.contains("1.0 MB") && used.contains("3.0 MB"), used);
        assertTrue(!used.contains(" - "), used);
    }

    static String crash(String guid, String time, int index, String exitStatus, String description) {
        return FakeController.resource(guid, "{\"type\":\"app.crash\",\"actee\":\"app-1\",\"actee_type\":\"app\","
                + "\"actee_name\":\"shop\",\"timestamp\":\"" + time + "\",\"metadata\":{\"instance\":\"" + guid
                + "\",\"index\":" + index + ",\"exit_status\":" + exitStatus + ",\"exit_description\":\""
                + description + "\",\"reason\":\"CRASHED\"}}");
    }

    @Test
    void eventsListsTheAppsCrashesAsTheControllerOrdersThem() {
        controller.json("GET", "/v2/events", 200, FakeController.page(
                crash("i-2", "2026-11-25T17:00:05Z", 1, "null", "killed: out of memory"),
                crash("i-1", "2026-11-25T17:00:00Z", 0, "1", "exited with status 1")));

        CliRun.Result events = cli.run("events", "shop");

        assertEquals(0, events.exitCode(), events.err());
        assertEquals("time                  event      instance  exit status  description\n"
                + "2026-11-25T17:00:05Z  app.crash  1         -            killed: out of memory\n"
                + "2026-11-25T17:00:00Z  app.crash  0         1            exited with status 1\n", events.out());
        FakeController.Request request = controller.requests("GET", "/v2/events").get(0);
        assertTrue(request.query().contains("q=actee:app-1") || request.query().contains("q=actee%3Aapp-1"),
                request.query());
        assertTrue(request.query().contains("order-direction=desc"), request.query());
    }

    @Test
    void eventsSaysSoWhenThereAreNone() {
        controller.json("GET", "/v2/events", 200, FakeController.page());
        CliRun.Result events = cli.run("events", "shop");
        assertEquals(0, events.exitCode(), events.err());
        assertEquals("No events for app 'shop'\n", events.out());
    }

    @Test
    void appShowsFlappingInstancesWithWhyAndTheLastCrashes() {
        controller.json("GET", "/v2/apps/app-1/instances", 200,
                        "{\"0\":{\"state\":\"RUNNING\",\"since\":1700000000},"
                                + "\"1\":{\"state\":\"FLAPPING\",\"since\":1700000000,"
                                + "\"details\":\"crashed 5 times; next restart in 28 s\"}}")
                .json("GET", "/v2/apps/app-1/stats", 200, "{}")
                .json("GET", "/v2/events", 200, FakeController.page(
                        crash("i-5", "2026-11-25T17:00:05Z", 1, "1", "exited with status 1")));

        CliRun.Result app = cli.run("app", "shop");

        assertEquals(0, app.exitCode(), app.err());
        String flapping = app.out().lines().filter(l -> l.startsWith("1 ")).findFirst().orElse(app.out());
        assertTrue(flapping.matches("1\\s+FLAPPING\\s+.*crashed 5 times; next restart in 28 s"), flapping);
        assertTrue(app.out().contains("recent events:\n"), app.out());
        assertTrue(app.out().contains("2026-11-25T17:00:05Z  app.crash  1         1            exited with status 1"),
                app.out());
        assertTrue(controller.requests("GET", "/v2/events").get(0).query().contains("results-per-page=3"));
    }

    @Test
    void deleteWithForceRemovesTheAppAndItsRoutes() {
        CliRun.Result delete = cli.run("delete", "shop", "--force");

        assertEquals(0, delete.exitCode(), delete.err());
        assertEquals(1, controller.requests("DELETE", "/v2/apps/app-1").size());
        assertEquals(1, controller.requests("DELETE", "/v2/routes/route-1").size());
        assertEquals(1, controller.requests("DELETE", "/v2/routes/route-2").size());
        assertTrue(delete.out().contains("Deleted 'shop'"));
    }

    @Test
    void deleteAsksAndKeepsTheAppUnlessConfirmed() {
        CliRun.Result declined = cli.stdin("n\n").run("delete", "shop");
        assertEquals(0, declined.exitCode());
        assertTrue(declined.err().contains("Really delete app 'shop'"), declined.err());
        assertTrue(controller.requests("DELETE", "/v2/apps/app-1").isEmpty());

        CliRun.Result confirmed = cli.stdin("y\n").run("delete", "shop");
        assertEquals(0, confirmed.exitCode(), confirmed.err());
        assertEquals(1, controller.requests("DELETE", "/v2/apps/app-1").size());
    }

    @Test
    void scaleSendsInstancesAndMemory() throws Exception {
        controller.json("PUT", "/v2/apps/app-1", 201, FakeController.resource("app-1", APP))
                .json("GET", "/v2/apps/app-1", 200, FakeController.resource("app-1",
                        APP.replace("\"instances\":2", "\"instances\":4").replace("\"memory\":256", "\"memory\":1024")));

        CliRun.Result scale = cli.run("scale", "shop", "--instances", "4", "--mem", "1G");

        assertEquals(0, scale.exitCode(), scale.err());
        JsonNode body = ApiClient.JSON.readTree(controller.requests("PUT", "/v2/apps/app-1").get(0).body());
        assertEquals(4, body.path("instances").asInt());
        assertEquals(1024, body.path("memory").asInt());
        assertEquals("Scaled 'shop': 4 instances, 1G each\n", scale.out());

        CliRun.Result nothing = cli.run("scale", "shop");
        assertEquals(1, nothing.exitCode());
        assertTrue(nothing.err().startsWith("Nothing to change"), nothing.err());
    }

    @Test
    void stopPutsStoppedState() throws Exception {
        controller.json("PUT", "/v2/apps/app-1", 201, FakeController.resource("app-1", APP));

        CliRun.Result stop = cli.run("stop", "shop");

        assertEquals(0, stop.exitCode(), stop.err());
        assertEquals("STOPPED", ApiClient.JSON.readTree(controller.requests("PUT", "/v2/apps/app-1").get(0).body())
                .path("state").asText());
    }

    @Test
    void envShowsUserVariablesAndVcapJson() {
        controller.json("GET", "/v2/apps/app-1/env", 200, "{\"environment_json\":{\"GREETING\":\"hello\"},"
                + "\"system_env_json\":{\"VCAP_SERVICES\":{\"postgresql\":[{\"name\":\"db\"}]}},"
                + "\"application_env_json\":{\"VCAP_APPLICATION\":{\"application_name\":\"shop\"}}}");

        CliRun.Result env = cli.run("env", "shop");

        assertEquals(0, env.exitCode(), env.err());
        assertTrue(env.out().contains("  GREETING=hello\n"), env.out());
        assertTrue(env.out().contains("\"name\" : \"db\""), env.out());
        assertTrue(env.out().contains("\"application_name\" : \"shop\""), env.out());
    }
}
