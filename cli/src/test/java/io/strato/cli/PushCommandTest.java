package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushCommandTest {

    static final String APP = "{\"name\":\"shop\",\"state\":\"STOPPED\",\"package_state\":\"PENDING\",\"instances\":2,\"memory\":512}";

    @TempDir
    Path home;

    @TempDir
    Path appDir;

    private FakeController controller;
    private final AtomicInteger instancePolls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        controller = new FakeController();
        // Another space first: apps, routes and services go to the targeted space-1, not the first listed.
        controller.json("GET", "/v2/spaces", 200, FakeController.page(FakeController.resource("space-0", "{\"name\":\"other\"}")))
                .json("GET", "/v2/spaces/space-1/apps", 200, FakeController.page())
                .json("POST", "/v2/apps", 201, FakeController.resource("app-1", APP))
                .json("GET", "/v2/shared_domains", 200,
                        FakeController.page(FakeController.resource("dom-1", "{\"name\":\"strato.local\"}")))
                .json("GET", "/v2/spaces/space-1/routes", 200, FakeController.page())
                .json("POST", "/v2/routes", 201,
                        FakeController.resource("route-1", "{\"host\":\"shop\",\"domain_guid\":\"dom-1\"}"))
                .json("PUT", "/v2/apps/app-1/routes/route-1", 201, FakeController.resource("app-1", APP))
                .json("PUT", "/v2/apps/app-1/bits", 201, "{}")
                .on("PUT", "/v2/apps/app-1", (exchange, request) -> {
                    if (request.text().contains("STARTED")) {
                        exchange.getResponseHeaders().set("X-App-Staging-Log", controller.url() + "/staging/app-1");
                    }
                    FakeController.respond(exchange, 201, FakeController.resource("app-1", APP));
                })
                .on("GET", "/staging/app-1", (exchange, request) -> {
                    exchange.getResponseHeaders().set("Content-Type", "text/plain");
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        // the empty line is the controller's keep-alive, not part of the log
                        for (String line : List.of("-----> Detected Node.js app", "", "-----> Installing dependencies", "Staging complete")) {
                            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                    }
                })
                .on("GET", "/v2/apps/app-1/instances", (exchange, request) -> FakeController.respond(exchange, 200,
                        instancePolls.incrementAndGet() == 1
                                ? "{\"0\":{\"state\":\"STARTING\",\"since\":1700000000}}"
                                : "{\"0\":{\"state\":\"RUNNING\",\"since\":1700000000},\"1\":{\"state\":\"STARTING\",\"since\":1700000000}}"));
        AppArchiveTest.write(appDir.resolve("server.js"), "require('http').createServer().listen(process.env.PORT)");
        AppArchiveTest.write(appDir.resolve("lib/routes.js"), "module.exports = []");
        AppArchiveTest.write(appDir.resolve(".git/HEAD"), "ref: refs/heads/main");
        AppArchiveTest.write(appDir.resolve("npm-debug.log"), "noise");
        AppArchiveTest.write(appDir.resolve(".stackatoignore"), "*.log\n");
        AppArchiveTest.write(appDir.resolve("stackato.yml"), "name: shop\nmem: 1G\ninstances: 2\nenv:\n  GREETING: hello\n");
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    @Test
    void createsUploadsStartsStreamsStagingAndPrintsTheUrl() throws Exception {
        CliRun cli = new CliRun(home).loggedIn(controller.url());

        CliRun.Result push = cli.run("push", "--path", appDir.toString(), "--mem", "512M");

        assertEquals(0, push.exitCode(), push.err());

        JsonNode created = ApiClient.JSON.readTree(controller.requests("POST", "/v2/apps").get(0).body());
        assertEquals("shop", created.path("name").asText());
        assertEquals("space-1", created.path("space_guid").asText());
        assertEquals(512, created.path("memory").asInt(), "the --mem flag overrides stackato.yml");
        assertEquals(2, created.path("instances").asInt());
        assertEquals("hello", created.path("environment_json").path("GREETING").asText());

        JsonNode route = ApiClient.JSON.readTree(controller.requests("POST", "/v2/routes").get(0).body());
        assertEquals("shop", route.path("host").asText());
        assertEquals("dom-1", route.path("domain_guid").asText());
        assertEquals(1, controller.requests("PUT", "/v2/apps/app-1/routes/route-1").size());

        FakeController.Request bits = controller.requests("PUT", "/v2/apps/app-1/bits").get(0);
        Map<String, byte[]> parts = Multipart.parse(bits.header("Content-Type"), bits.body());
        assertEquals("[]", new String(parts.get("resources"), StandardCharsets.UTF_8));
        assertEquals(Map.of(".stackatoignore", "*.log\n",
                        "stackato.yml", "name: shop\nmem: 1G\ninstances: 2\nenv:\n  GREETING: hello\n",
                        "server.js", "require('http').createServer().listen(process.env.PORT)",
                        "lib/routes.js", "module.exports = []"),
                AppArchiveTest.unzip(parts.get("application")));
        assertTrue(new String(bits.body(), StandardCharsets.ISO_8859_1)
                .contains("name=\"application\"; filename=\"application.zip\""));

        List<FakeController.Request> sequence = controller.requests.stream()
                .filter(r -> r.method().equals("PUT")).toList();
        assertEquals("/v2/apps/app-1/bits", sequence.get(1).path(), "bits are uploaded before the start");
        assertEquals("STARTED", ApiClient.JSON.readTree(sequence.get(2).body()).path("state").asText());
        assertEquals("bearer test-token", controller.requests("GET", "/staging/app-1").get(0).header("Authorization"));
        assertEquals(2, instancePolls.get(), "polls until an instance runs");

        assertTrue(push.out().contains("-----> Detected Node.js app\n-----> Installing dependencies\nStaging complete\n"), push.out());
        assertTrue(push.out().contains("App 'shop' is running (1 of 2 instances)"), push.out());
        assertTrue(push.out().trim().endsWith("http://shop.strato.local"), push.out());
        assertTrue(push.err().contains("Uploading [") && push.err().contains("100%"), push.err());
    }

    @Test
    void existingStartedAppIsUpdatedAndRestagedNotRecreated() throws Exception {
        String started = APP.replace("STOPPED", "STARTED");
        controller.json("GET", "/v2/spaces/space-1/apps", 200, FakeController.page(FakeController.resource("app-1", started)))
                .json("GET", "/v2/spaces/space-1/routes", 200, FakeController.page(
                        FakeController.resource("route-1", "{\"host\":\"shop\",\"domain_guid\":\"dom-1\"}")));
        CliRun cli = new CliRun(home).loggedIn(controller.url());

        CliRun.Result push = cli.run("push", "--path", appDir.toString(), "--instances", "3");

        assertEquals(0, push.exitCode(), push.err());
        assertTrue(controller.requests("POST", "/v2/apps").isEmpty());
        assertTrue(controller.requests("POST", "/v2/routes").isEmpty(), "the existing route is reused");
        assertEquals("name:shop", controller.requests("GET", "/v2/spaces/space-1/apps").get(0).query().replace("q=", ""));
        JsonNode update = ApiClient.JSON.readTree(controller.requests("PUT", "/v2/apps/app-1").get(0).body());
        assertEquals(3, update.path("instances").asInt());
        assertEquals(1024, update.path("memory").asInt());
        assertEquals("STOPPED", update.path("state").asText());
        assertTrue(push.out().contains("Staging complete"));
    }

    @Test
    void stagingFailureIsReportedWithTheReason() {
        controller.json("GET", "/v2/apps/app-1/instances", 400,
                        FakeController.error(170001, "CF-StagingError", "Staging error: app failed to stage"))
                .json("GET", "/v2/apps/app-1", 200, FakeController.resource("app-1",
                        APP.replace("PENDING", "FAILED").replace("}", ",\"staging_failed_reason\":\"No buildpack detected\"}")));
        CliRun cli = new CliRun(home).loggedIn(controller.url());

        CliRun.Result push = cli.run("push", "--path", appDir.toString());

        assertEquals(1, push.exitCode());
        assertEquals("Staging 'shop' failed: No buildpack detected: fix the app and run `strato push` again", push.err().lines()
                .filter(l -> l.startsWith("Staging")).findFirst().orElse(push.err()));
        assertTrue(push.out().contains("Staging complete"), "the log is shown before the failure");
    }

    @Test
    void crashedInstancesEndThePushWithAPointerToTheLogs() {
        controller.json("GET", "/v2/apps/app-1/instances", 200, "{\"0\":{\"state\":\"CRASHED\",\"since\":1.5,\"details\":\"exited with 1\"},"
                + "\"1\":{\"state\":\"FLAPPING\",\"since\":1.5}}");
        CliRun cli = new CliRun(home).loggedIn(controller.url());

        CliRun.Result push = cli.run("push", "--path", appDir.toString());

        assertEquals(1, push.exitCode());
        assertTrue(push.err().contains("App 'shop' crashed on start (exited with 1): run `strato logs shop`"), push.err());
    }

    @Test
    void noStartUploadsWithoutStarting() throws Exception {
        CliRun cli = new CliRun(home).loggedIn(controller.url());

        CliRun.Result push = cli.run("push", "renamed", "--path", appDir.toString(), "--no-start");

        assertEquals(0, push.exitCode(), push.err());
        assertEquals("renamed", ApiClient.JSON.readTree(controller.requests("POST", "/v2/apps").get(0).body())
                .path("name").asText(), "the argument overrides the manifest name");
        assertEquals(1, controller.requests("PUT", "/v2/apps/app-1/bits").size());
        assertTrue(controller.requests("PUT", "/v2/apps/app-1").isEmpty());
        assertTrue(controller.requests("GET", "/v2/apps/app-1/instances").isEmpty());
    }

    @Test
    void aBuiltJarIsUploadedAsItIs() throws Exception {
        Path jar = appDir.resolve("target/shop.jar");
        java.nio.file.Files.createDirectories(jar.getParent());
        byte[] bytes;
        try (java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream()) {
            AppArchive.of(appDir.resolve("lib")).writeTo(zip);
            bytes = zip.toByteArray();
        }
        java.nio.file.Files.write(jar, bytes);
        CliRun cli = new CliRun(home).loggedIn(controller.url());

        CliRun.Result push = cli.run("push", "shop", "--path", jar.toString());

        assertEquals(0, push.exitCode(), push.err());
        FakeController.Request bits = controller.requests("PUT", "/v2/apps/app-1/bits").get(0);
        assertArrayEquals(bytes, Multipart.parse(bits.header("Content-Type"), bits.body()).get("application"));
    }

    @Test
    void manifestServicesAreCreatedAndBound() throws Exception {
        AppArchiveTest.write(appDir.resolve("stackato.yml"), "name: shop\nservices:\n  shopdb: postgresql\n");
        controller.json("GET", "/v2/apps/app-1/service_bindings", 200, FakeController.page())
                .json("GET", "/v2/spaces/space-1/service_instances", 200, FakeController.page())
                .json("GET", "/v2/services", 200, FakeController.page(FakeController.resource("svc-pg", "{\"label\":\"postgresql\"}")))
                .json("GET", "/v2/service_plans", 200, FakeController.page(
                        FakeController.resource("plan-free", "{\"name\":\"free\",\"service_guid\":\"svc-pg\"}")))
                .json("POST", "/v2/service_instances", 201,
                        FakeController.resource("si-1", "{\"name\":\"shopdb\",\"service_plan_guid\":\"plan-free\"}"))
                .json("POST", "/v2/service_bindings", 201,
                        FakeController.resource("sb-1", "{\"app_guid\":\"app-1\",\"service_instance_guid\":\"si-1\"}"));
        CliRun cli = new CliRun(home).loggedIn(controller.url());

        CliRun.Result push = cli.run("push", "--path", appDir.toString());

        assertEquals(0, push.exitCode(), push.err());
        JsonNode instance = ApiClient.JSON.readTree(controller.requests("POST", "/v2/service_instances").get(0).body());
        assertEquals("shopdb", instance.path("name").asText());
        assertEquals("plan-free", instance.path("service_plan_guid").asText());
        JsonNode binding = ApiClient.JSON.readTree(controller.requests("POST", "/v2/service_bindings").get(0).body());
        assertEquals("si-1", binding.path("service_instance_guid").asText());
        assertEquals("app-1", binding.path("app_guid").asText());
        int bound = controller.requests.indexOf(controller.requests("POST", "/v2/service_bindings").get(0));
        int started = controller.requests.indexOf(controller.requests("PUT", "/v2/apps/app-1").get(0));
        assertTrue(bound < started, "bound before the start so the first staging sees VCAP_SERVICES");
    }

    /** Splits a multipart/form-data body into its parts by field name. */
    static final class Multipart {
        static Map<String, byte[]> parse(String contentType, byte[] body) {
            String boundary = "--" + contentType.substring(contentType.indexOf("boundary=") + "boundary=".length());
            String text = new String(body, StandardCharsets.ISO_8859_1);
            Map<String, byte[]> parts = new java.util.HashMap<>();
            assertTrue(text.endsWith(boundary + "--\r\n"), "closing boundary");
            for (String part : text.split(java.util.regex.Pattern.quote(boundary))) {
                int headerEnd = part.indexOf("\r\n\r\n");
                if (headerEnd < 0) {
                    continue;
                }
                String headers = part.substring(0, headerEnd);
                String name = headers.replaceAll("(?s).*?; name=\"([^\"]+)\".*", "$1");
                String content = part.substring(headerEnd + 4, part.length() - 2);
                parts.put(name, content.getBytes(StandardCharsets.ISO_8859_1));
            }
            assertArrayEquals(new String[]{"application", "resources"}, parts.keySet().stream().sorted().toArray());
            return parts;
        }
    }
}
