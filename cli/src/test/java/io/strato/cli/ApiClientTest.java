package io.strato.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ApiClientTest {

    @Test
    void anUploadIsSentAgainWithTheRenewedTokenAfterA401() throws Exception {
        try (FakeController controller = new FakeController()) {
            controller.on("PUT", "/v2/apps/a1/bits", (exchange, request) -> {
                boolean fresh = "bearer tok-new".equals(request.header("Authorization"));
                FakeController.respond(exchange, fresh ? 201 : 401,
                        fresh ? "{\"ok\":true}" : FakeController.error(1000, "CF-InvalidAuthToken", "expired"));
            });
            AtomicInteger refreshes = new AtomicInteger();
            ApiClient api = new ApiClient(controller.url(), "tok-old", () -> {
                refreshes.incrementAndGet();
                return "tok-new";
            });
            byte[] zip = "zip bytes".getBytes(StandardCharsets.UTF_8);

            ApiResponse response = api.upload("PUT", "/v2/apps/a1/bits", "application/zip", zip.length,
                    () -> new ByteArrayInputStream(zip), Duration.ofMinutes(1));

            assertEquals(201, response.status());
            assertEquals(1, refreshes.get());
            var sent = controller.requests("PUT", "/v2/apps/a1/bits");
            assertEquals(2, sent.size());
            assertEquals("zip bytes", sent.get(1).text(), "the body goes up again with the new token");
            assertEquals("application/zip", sent.get(1).header("Content-Type"));
        }
    }

    @Test
    void redirectsAreFollowedKeepingMethodAndBodyOn307() throws Exception {
        try (FakeController controller = new FakeController()) {
            controller.on("PUT", "/old", (exchange, request) -> {
                exchange.getResponseHeaders().set("Location", "/new");
                exchange.sendResponseHeaders(307, -1);
                exchange.close();
            }).json("PUT", "/new", 200, "{\"moved\":true}");

            ApiResponse response = new ApiClient(controller.url(), "tok").put("/old", java.util.Map.of("a", 1));

            assertEquals(true, response.body().path("moved").asBoolean());
            assertEquals("{\"a\":1}", controller.requests("PUT", "/new").get(0).text());
            assertEquals("bearer tok", controller.requests("PUT", "/new").get(0).header("Authorization"));
        }
    }

    @Test
    void aPostRedirectedWith303BecomesAGet() throws Exception {
        try (FakeController controller = new FakeController()) {
            controller.on("POST", "/form", (exchange, request) -> {
                exchange.getResponseHeaders().set("Location", controller.url() + "/result");
                exchange.sendResponseHeaders(303, -1);
                exchange.close();
            }).json("GET", "/result", 200, "{\"done\":true}");

            ApiResponse response = new ApiClient(controller.url(), null).post("/form", java.util.Map.of());

            assertEquals(true, response.body().path("done").asBoolean());
        }
    }

    @Test
    void headersAreFoundInAnyCaseAndErrorsKeepTheControllersWords() throws Exception {
        try (FakeController controller = new FakeController()) {
            controller.on("PUT", "/v2/apps/a1", (exchange, request) -> {
                exchange.getResponseHeaders().set("X-App-Staging-Log", "/log");
                FakeController.respond(exchange, 201, "{}");
            }).json("GET", "/v2/apps/a2", 404, FakeController.error(100004, "CF-AppNotFound", "The app could not be found"));
            ApiClient api = new ApiClient(controller.url(), "tok");

            assertEquals("/log", api.put("/v2/apps/a1", java.util.Map.of()).header("x-app-staging-log").orElseThrow());
            ApiError error = assertThrows(ApiError.class, () -> api.get("/v2/apps/a2"));
            assertEquals(404, error.status());
            assertEquals("The app could not be found (CF-AppNotFound)", error.getMessage());
        }
    }
}
