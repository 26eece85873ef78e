package io.strato.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.Channels;
import io.strato.api.app.InternalAuth;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.json.Json;
import io.strato.api.service.ServiceHealth;
import io.strato.services.filesystem.FilesystemServicePlugin;
import io.strato.testkit.DerbyDatabase;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BrokerTest {

    private static final String SECRET = "cluster-secret-for-tests";
    /** A bind request as the controller sends it: the app and the uid its instances run as. */
    private static final String BIND = "{\"app_guid\":\"app-9\",\"bind_resource\":{\"app_guid\":\"app-9\",\"app_uid\":20009}}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LocalSharedState shared = new LocalSharedState();
    private final FakePlugin plugin = new FakePlugin();
    private Path dbDir;
    private DerbyDatabase database;
    private Bus bus;
    private ServiceBroker broker;
    private BrokerServer server;
    private String url;

    @BeforeEach
    void start() throws Exception {
        dbDir = Path.of("target", "fixtures", UUID.randomUUID().toString(), "db");
        Files.createDirectories(dbDir.getParent());
        database = new DerbyDatabase(dbDir);
        bus = BusFactory.newInstance().createBus();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        url = "http://127.0.0.1:" + port + "/broker";
        startBroker();
    }

    private void startBroker() throws Exception {
        broker = new ServiceBroker(database, shared, "node-1", url);
        broker.addPlugin(plugin);
        server = new BrokerServer(broker, SECRET, bus, url);
    }

    @AfterEach
    void stop() {
        server.close();
        bus.shutdown(true);
        database.close();
        shared.close();
    }

    @Test
    void catalogListsThePluginsAndIsAdvertisedToTheCluster() throws Exception {
        HttpResponse<String> r = call("GET", "/v2/catalog", null);
        assertEquals(200, r.statusCode());
        JsonNode service = json(r).at("/services/0");
        assertEquals("fakedb", service.path("id").asText());
        assertEquals("fakedb", service.path("name").asText());
        assertEquals("free", service.at("/plans/0/name").asText());
        assertEquals("relational", service.at("/tags/0").asText());

        JsonNode advert = Json.mapper().readTree(shared.map(Channels.BROKER_CATALOG).get("node-1|fakedb").orElseThrow());
        assertEquals(url, advert.path("brokerUrl").asText());
        assertEquals("1.0", advert.path("version").asText());
        assertEquals("big", advert.at("/plans/1/name").asText());
        assertFalse(advert.at("/plans/1/free").asBoolean());

        broker.removePlugin(plugin);
        assertTrue(shared.map(Channels.BROKER_CATALOG).get("node-1|fakedb").isEmpty());
    }

    @Test
    void theAdvertisementCarriesThePluginsHealthAndAHungCheckCannotHoldItUp() throws Exception {
        plugin.health = ServiceHealth.down("the server does not answer");
        broker.advertiseAll();
        JsonNode advert = Json.mapper().readTree(shared.map(Channels.BROKER_CATALOG).get("node-1|fakedb").orElseThrow());
        assertFalse(advert.at("/health/up").asBoolean());
        assertEquals("the server does not answer", advert.at("/health/detail").asText());

        plugin.healthHangs.acquire();
        try {
            int before = plugin.healthChecks.get();
            long started = System.nanoTime();
            broker.advertiseAll();
            broker.advertiseAll();
            assertTrue(System.nanoTime() - started < ServiceBroker.HEALTH_TIMEOUT.multipliedBy(3).toNanos(),
                    "each refresh waits at most the health timeout");
            assertEquals(before + 1, plugin.healthChecks.get(), "a hung check is not started again");
            advert = Json.mapper().readTree(shared.map(Channels.BROKER_CATALOG).get("node-1|fakedb").orElseThrow());
            assertEquals("fakedb did not answer its health check within 2 s", advert.at("/health/detail").asText());
        } finally {
            plugin.healthHangs.release();
        }
        plugin.health = ServiceHealth.up("ok");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        do {
            broker.advertiseAll();
            advert = Json.mapper().readTree(shared.map(Channels.BROKER_CATALOG).get("node-1|fakedb").orElseThrow());
        } while (!advert.at("/health/up").asBoolean() && System.nanoTime() < deadline);
        assertTrue(advert.at("/health/up").asBoolean(), "healthy again once the server answers");
    }

    @Test
    void provisionBindUnbindDeprovision() throws Exception {
        assertEquals(201, call("PUT", "/v2/service_instances/i1",
                "{\"service_id\":\"fakedb\",\"plan_id\":\"free\",\"parameters\":{}}").statusCode());
        assertTrue(plugin.databases.contains("i1"));
        assertEquals(200, call("PUT", "/v2/service_instances/i1",
                "{\"service_id\":\"fakedb\",\"plan_id\":\"free\"}").statusCode(), "the same provision again");
        assertEquals(409, call("PUT", "/v2/service_instances/i1",
                "{\"service_id\":\"fakedb\",\"plan_id\":\"big\"}").statusCode());

        HttpResponse<String> bound = call("PUT", "/v2/service_instances/i1/service_bindings/b1",
                "{\"bind_resource\":{\"app_uid\":20009}}");
        assertEquals(201, bound.statusCode());
        JsonNode credentials = json(bound).path("credentials");
        assertEquals("fake://u_b1@host/d_i1", credentials.path("uri").asText());
        assertEquals("u_b1", credentials.path("user").asText());
        assertEquals(4000, credentials.path("port").asInt());
        assertTrue(plugin.users.contains("b1"));
        assertEquals("", plugin.boundApps.get("b1"), "no app guid in the request, none in the details");

        assertEquals(200, call("DELETE", "/v2/service_instances/i1/service_bindings/b1", null).statusCode());
        assertFalse(plugin.users.contains("b1"));
        assertEquals(410, call("DELETE", "/v2/service_instances/i1/service_bindings/b1", null).statusCode());

        assertEquals(200, call("DELETE", "/v2/service_instances/i1", null).statusCode());
        assertFalse(plugin.databases.contains("i1"));
        assertEquals(410, call("DELETE", "/v2/service_instances/i1", null).statusCode());
    }

    @Test
    void unknownServiceOrPlanIsABadRequest() throws Exception {
        assertEquals(400, call("PUT", "/v2/service_instances/i1",
                "{\"service_id\":\"nosuch\",\"plan_id\":\"free\"}").statusCode());
        assertEquals(400, call("PUT", "/v2/service_instances/i1",
                "{\"service_id\":\"fakedb\",\"plan_id\":\"huge\"}").statusCode());
        assertEquals(404, call("PUT", "/v2/service_instances/nosuch/service_bindings/b1", BIND).statusCode());
    }

    @Test
    void failedProvisionLeavesNoRecord() throws Exception {
        HttpResponse<String> r = call("PUT", "/v2/service_instances/i2",
                "{\"service_id\":\"fakedb\",\"plan_id\":\"free\",\"parameters\":{\"fail\":\"true\"}}");
        assertEquals(500, r.statusCode());
        assertTrue(json(r).path("description").asText().contains("the server refused"), r.body());
        assertEquals(404, call("PUT", "/v2/service_instances/i2/service_bindings/b1", BIND).statusCode());
        assertEquals(410, call("DELETE", "/v2/service_instances/i2", null).statusCode());
        assertEquals(201, call("PUT", "/v2/service_instances/i2",
                "{\"service_id\":\"fakedb\",\"plan_id\":\"free\"}").statusCode(), "the id is free to use again");
    }

    @Test
    void withoutTheClusterTokenItIsUnauthorized() throws Exception {
        HttpRequest.Builder none = HttpRequest.newBuilder(URI.create(url + "/v2/catalog"))
                .header("X-Broker-API-Version", "2.14");
        assertEquals(401, http.send(none.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpRequest.Builder wrong = HttpRequest.newBuilder(URI.create(url + "/v2/catalog"))
                .header("X-Broker-API-Version", "2.14")
                .header("Authorization", "Bearer " + InternalAuth.token("another-secret", "broker"));
        assertEquals(401, http.send(wrong.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpRequest.Builder otherPurpose = HttpRequest.newBuilder(URI.create(url + "/v2/catalog"))
                .header("X-Broker-API-Version", "2.14")
                .header("Authorization", "Bearer " + InternalAuth.token(SECRET, "blobstore"));
        assertEquals(401, http.send(otherPurpose.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void withoutTheApiVersionHeaderThePreconditionFails() throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url + "/v2/catalog"))
                .header("Authorization", "Bearer " + InternalAuth.token(SECRET, "broker"));
        assertEquals(412, http.send(r.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aBindWithoutAValidAppUidIsRefusedAndBindsNothing() throws Exception {
        assertEquals(201, call("PUT", "/v2/service_instances/u1", "{\"service_id\":\"fakedb\",\"plan_id\":\"free\"}").statusCode());
        for (String body : List.of("{}", "{\"bind_resource\":{\"app_guid\":\"a\"}}",
                "{\"bind_resource\":{\"app_guid\":\"a\",\"app_uid\":0}}",
                "{\"bind_resource\":{\"app_guid\":\"a\",\"app_uid\":65536}}",
                "{\"bind_resource\":{\"app_guid\":\"a\",\"app_uid\":-5}}",
                "{\"bind_resource\":{\"app_guid\":\"a\",\"app_uid\":\"20001\"}}",
                "{\"app_guid\":\"a\",\"app_uid\":20001}")) {
            HttpResponse<String> r = call("PUT", "/v2/service_instances/u1/service_bindings/ub", body);
            assertEquals(400, r.statusCode(), body);
            assertTrue(json(r).path("description").asText().contains("app_uid"), r.body());
        }
        assertFalse(plugin.users.contains("ub"), "the plugin was not asked to bind");
        assertEquals(201, call("PUT", "/v2/service_instances/u1/service_bindings/ub", BIND).statusCode());
        assertEquals(20009, plugin.boundUids.get("ub"));
    }

    @Test
    void bindingsRecordedBeforeUidsAreUnboundWithTheUnknownUid() throws Exception {
        assertEquals(201, call("PUT", "/v2/service_instances/o1", "{\"service_id\":\"fakedb\",\"plan_id\":\"free\"}").statusCode());
        try (java.sql.Connection c = database.dataSource().getConnection(); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO brk_bindings (id, instance_id, created_at) VALUES ('old', 'o1', 1)");
        }
        assertEquals(200, call("DELETE", "/v2/service_instances/o1/service_bindings/old", null).statusCode());
        assertEquals(io.strato.api.service.ServiceBinding.UNKNOWN_UID, plugin.unboundUids.get("old"));
    }

    @Test
    void aRestartedBrokerStillKnowsItsInstancesAndBindings() throws Exception {
        assertEquals(201, call("PUT", "/v2/service_instances/i3",
                "{\"service_id\":\"fakedb\",\"plan_id\":\"big\"}").statusCode());
        assertEquals(201, call("PUT", "/v2/service_instances/i3/service_bindings/b3",
                "{\"app_guid\":\"app-1\",\"bind_resource\":{\"app_guid\":\"app-1\",\"app_uid\":20001}}").statusCode());
        assertEquals("app-1", plugin.boundApps.get("b3"), "the plugin sees the bound app in the details");
        assertEquals(20001, plugin.boundUids.get("b3"), "the plugin is given the app's uid");

        server.close();
        database.close();
        database = new DerbyDatabase(dbDir);
        startBroker();

        assertEquals(200, call("PUT", "/v2/service_instances/i3",
                "{\"service_id\":\"fakedb\",\"plan_id\":\"big\"}").statusCode());
        assertEquals(200, call("DELETE", "/v2/service_instances/i3/service_bindings/b3", null).statusCode());
        assertFalse(plugin.users.contains("b3"));
        assertEquals(20001, plugin.unboundUids.get("b3"), "unbind after a restart still knows the app's uid");
        assertEquals(200, call("DELETE", "/v2/service_instances/i3", null).statusCode());
        assertFalse(plugin.databases.contains("i3"));
    }

    @Test
    void deprovisionRevokesBindingsLeftBehind() throws Exception {
        call("PUT", "/v2/service_instances/i4", "{\"service_id\":\"fakedb\",\"plan_id\":\"free\"}");
        call("PUT", "/v2/service_instances/i4/service_bindings/b4", BIND);
        assertEquals(200, call("DELETE", "/v2/service_instances/i4", null).statusCode());
        assertFalse(plugin.users.contains("b4"));
        assertFalse(plugin.databases.contains("i4"));
    }

    @Test
    void theFilesystemServicePluginThroughTheBroker() throws Exception {
        Path root = dbDir.getParent().resolve("filesystem");
        broker.addPlugin(new FilesystemServicePlugin(root, () -> "10.0.0.5"));
        assertEquals(201, call("PUT", "/v2/service_instances/fs1",
                "{\"service_id\":\"filesystem\",\"plan_id\":\"free\"}").statusCode());
        Path dir = root.toAbsolutePath().resolve("fs1");
        assertTrue(Files.isDirectory(dir));
        JsonNode credentials = json(call("PUT", "/v2/service_instances/fs1/service_bindings/fb1", BIND))
                .path("credentials");
        assertEquals(dir.toString(), credentials.path("dir").asText());
        assertEquals(dir.toUri().toString(), credentials.path("uri").asText());
        assertEquals("10.0.0.5", credentials.path("hostname").asText());
        assertEquals(200, call("DELETE", "/v2/service_instances/fs1/service_bindings/fb1", null).statusCode());
        assertEquals(200, call("DELETE", "/v2/service_instances/fs1", null).statusCode());
        assertFalse(Files.exists(dir));
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("X-Broker-API-Version", "2.14")
                .header("Authorization", "Bearer " + InternalAuth.token(SECRET, "broker"))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }
}
