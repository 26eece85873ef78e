package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceCommandsTest {

    @TempDir
    Path home;

    private FakeController controller;
    private CliRun cli;

    @BeforeEach
    void start() throws Exception {
        controller = new FakeController();
        // Another space first: apps, routes and services go to the targeted space-1, not the first listed.
        controller.json("GET", "/v2/spaces", 200, FakeController.page(FakeController.resource("space-0", "{\"name\":\"other\"}")))
                .json("GET", "/v2/services", 200, FakeController.page(
                        FakeController.resource("svc-pg", "{\"label\":\"postgresql\",\"version\":\"15\",\"description\":\"PostgreSQL database\"}"),
                        FakeController.resource("svc-redis", "{\"label\":\"redis\",\"version\":\"7\",\"description\":\"Key-value store\"}")))
                .on("GET", "/v2/service_plans", (exchange, request) -> {
                    String service = request.query().substring(request.query().indexOf(':') + 1);
                    FakeController.respond(exchange, 200, FakeController.page(
                            FakeController.resource(service + "-free", "{\"name\":\"free\",\"service_guid\":\"" + service + "\"}"),
                            FakeController.resource(service + "-big", "{\"name\":\"big\",\"service_guid\":\"" + service + "\"}")));
                })
                .json("GET", "/v2/spaces/space-1/service_instances", 200, FakeController.page(
                        FakeController.resource("si-1", "{\"name\":\"shopdb\",\"service_plan_guid\":\"svc-pg-free\"}")))
                .json("POST", "/v2/service_instances", 201,
                        FakeController.resource("si-2", "{\"name\":\"cache\",\"service_plan_guid\":\"svc-redis-big\"}"))
                .json("GET", "/v2/spaces/space-1/apps", 200, FakeController.page(FakeController.resource("app-1", "{\"name\":\"shop\"}")))
                .json("GET", "/v2/apps/app-1/service_bindings", 200, FakeController.page())
                .json("POST", "/v2/service_bindings", 201,
                        FakeController.resource("sb-1", "{\"app_guid\":\"app-1\",\"service_instance_guid\":\"si-1\"}"));
        cli = new CliRun(home).loggedIn(controller.url());
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    @Test
    void marketplaceListsServicesWithPlans() {
        CliRun.Result market = cli.run("marketplace");

        assertEquals(0, market.exitCode(), market.err());
        assertEquals("service     version  plans      description\n"
                + "postgresql  15       free, big  PostgreSQL database\n"
                + "redis       7        free, big  Key-value store\n", market.out());
    }

    @Test
    void createServiceUsesTheNamedPlanInTheTargetedSpace() throws Exception {
        CliRun.Result create = cli.run("create-service", "redis", "cache", "--plan", "big");

        assertEquals(0, create.exitCode(), create.err());
        assertTrue(create.err().matches("(?s)Creating service 'cache' \\(redis, plan big\\)\\.* done in \\d+\\.\\d s\\R"), create.err());
        JsonNode body = ApiClient.JSON.readTree(controller.requests("POST", "/v2/service_instances").get(0).body());
        assertEquals("cache", body.path("name").asText());
        assertEquals("svc-redis-big", body.path("service_plan_guid").asText());
        assertEquals("space-1", body.path("space_guid").asText());
        assertEquals(0, body.path("parameters").size(), "no parameters unless given");

        CliRun.Result udp = cli.run("create-service", "redis", "port", "--param", "protocol=udp", "--param", "x=1");
        assertEquals(0, udp.exitCode(), udp.err());
        JsonNode withParams = ApiClient.JSON.readTree(controller.requests("POST", "/v2/service_instances").get(1).body());
        assertEquals("udp", withParams.path("parameters").path("protocol").asText());
        assertEquals("1", withParams.path("parameters").path("x").asText());

        CliRun.Result unknown = cli.run("create-service", "oracle", "db2");
        assertEquals(1, unknown.exitCode());
        assertEquals("No service 'oracle' in the marketplace: run `strato marketplace`", unknown.err().trim());
    }

    @Test
    void bindAndUnbindLinkTheInstanceAndTheApp() throws Exception {
        CliRun.Result bind = cli.run("bind-service", "shopdb", "shop");

        assertEquals(0, bind.exitCode(), bind.err());
        JsonNode body = ApiClient.JSON.readTree(controller.requests("POST", "/v2/service_bindings").get(0).body());
        assertEquals("si-1", body.path("service_instance_guid").asText());
        assertEquals("app-1", body.path("app_guid").asText());

        controller.json("GET", "/v2/apps/app-1/service_bindings", 200, FakeController.page(
                        FakeController.resource("sb-1", "{\"app_guid\":\"app-1\",\"service_instance_guid\":\"si-1\"}")))
                .json("DELETE", "/v2/service_bindings/sb-1", 204, "");
        CliRun.Result services = cli.run("services");
        assertEquals("name    service     plan  bound apps\nshopdb  postgresql  free  shop\n", services.out());

        CliRun.Result unbind = cli.run("unbind-service", "shopdb", "shop");
        assertEquals(0, unbind.exitCode(), unbind.err());
        assertEquals(1, controller.requests("DELETE", "/v2/service_bindings/sb-1").size());
    }

    @Test
    void anAppAndAServiceInCloudFoundrysOrderGetTheRightOrderShown() {
        CliRun.Result bind = cli.run("bind-service", "shop", "shopdb");
        assertEquals(1, bind.exitCode());
        assertEquals("'shop' is an app and 'shopdb' a service: the service comes first, `strato bind-service shopdb shop`",
                bind.err().trim());
        CliRun.Result unbind = cli.run("unbind-service", "shop", "shopdb");
        assertEquals("'shop' is an app and 'shopdb' a service: the service comes first, `strato unbind-service shopdb shop`",
                unbind.err().trim());
        assertTrue(controller.requests("POST", "/v2/service_bindings").isEmpty(), "nothing was bound");

        CliRun.Result unknown = cli.run("bind-service", "nothing", "shop");
        assertEquals("Service 'nothing' not found: run `strato services` to list them", unknown.err().trim());
    }

    @Test
    void deletingABoundServiceExplainsAndForceRecurses() {
        controller.on("DELETE", "/v2/service_instances/si-1", (exchange, request) -> {
            boolean recursive = "recursive=true".equals(request.query());
            FakeController.respond(exchange, recursive ? 204 : 409, recursive ? ""
                    : FakeController.error(10006, "CF-AssociationNotEmpty", "Please delete the service_bindings"));
        });

        CliRun.Result refused = cli.run("delete-service", "shopdb");
        assertEquals(1, refused.exitCode());
        assertEquals("Service 'shopdb' is bound to apps: unbind it with `strato unbind-service shopdb <app>` or use --force",
                refused.err().trim());

        CliRun.Result forced = cli.run("delete-service", "shopdb", "--force");
        assertEquals(0, forced.exitCode(), forced.err());
        assertTrue(forced.out().contains("Deleted service 'shopdb'"));
    }
}
