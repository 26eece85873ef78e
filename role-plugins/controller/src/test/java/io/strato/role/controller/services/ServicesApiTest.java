package io.strato.role.controller.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.DesiredApp;
import io.strato.api.json.Json;
import io.strato.role.controller.ControllerFixture;
import io.strato.role.controller.ControllerFixture.Reply;
import io.strato.role.controller.Sql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The marketplace, service instances and bindings, and what a bound app's instances get. */
class ServicesApiTest {

    private ControllerFixture c;
    private FakeBroker broker;

    @BeforeEach
    void start() throws Exception {
        c = new ControllerFixture();
        broker = new FakeBroker(ControllerFixture.SECRET);
        broker.advertise(c.shared);
    }

    @AfterEach
    void stop() {
        broker.close();
        c.close();
    }

    @Test
    void theMarketplaceListsEveryAdvertisedServiceWithStableGuids() throws Exception {
        JsonNode services = c.get("/v2/services").json();
        assertEquals(2, services.get("total_results").asInt());
        JsonNode fs = services.at("/resources/0");
        assertEquals("filesystem", fs.at("/entity/label").asText());
        assertEquals(ServiceCatalog.serviceGuid("filesystem"), fs.at("/metadata/guid").asText());
        assertEquals("1.0", fs.at("/entity/version").asText());

        JsonNode plans = c.get("/v2/service_plans?q=service_guid:" + ServiceCatalog.serviceGuid("postgresql")).json();
        assertEquals(1, plans.get("total_results").asInt());
        assertEquals("free", plans.at("/resources/0/entity/name").asText());
        assertEquals(ServiceCatalog.serviceGuid("postgresql"), plans.at("/resources/0/entity/service_guid").asText());
        assertEquals(3, c.get("/v2/service_plans").json().get("total_results").asInt());
    }

    @Test
    void aBoundAppsInstancesGetVcapServicesAndTheStackatoVariables() throws Exception {
        String app = startedApp("web");
        String files = createInstance("files", "filesystem", "free");
        String db = createInstance("mydb", "postgresql", "free");
        assertTrue(broker.instances.containsKey(files));

        Reply bound = c.post("/v2/service_bindings", "{\"service_instance_guid\":\"" + files + "\",\"app_guid\":\"" + app + "\"}");
        assertEquals(201, bound.status(), bound.body());
        assertEquals("/data/fs/" + files, bound.json().at("/entity/credentials/dir").asText());
        JsonNode bindRequest = broker.bindRequests.get(bound.json().at("/metadata/guid").asText());
        assertEquals(app, bindRequest.path("app_guid").asText());
        assertEquals(app, bindRequest.at("/bind_resource/app_guid").asText());
        assertEquals(c.appUid(app), bindRequest.at("/bind_resource/app_uid").asInt(),
                "the broker learns the uid the app's code runs as");
        assertTrue(c.appUid(app) >= 20000);
        assertEquals(201, c.post("/v2/service_bindings",
                "{\"service_instance_guid\":\"" + db + "\",\"app_guid\":\"" + app + "\"}").status());
        Reply again = c.post("/v2/service_bindings", "{\"service_instance_guid\":\"" + db + "\",\"app_guid\":\"" + app + "\"}");
        assertEquals(400, again.status());
        assertEquals("CF-ServiceBindingAppServiceTaken", again.json().get("error_code").asText());
        assertEquals(2, c.get("/v2/apps/" + app + "/service_bindings").json().get("total_results").asInt());

        DesiredApp start = c.desired(app).orElseThrow();
        JsonNode vcap = Json.mapper().readTree(start.services());
        assertEquals("files", vcap.at("/filesystem/0/name").asText());
        assertEquals("filesystem", vcap.at("/filesystem/0/label").asText());
        assertEquals("free", vcap.at("/filesystem/0/plan").asText());
        assertEquals("/data/fs/" + files, vcap.at("/filesystem/0/credentials/dir").asText());
        assertEquals("postgres://u:p@127.0.0.1:5432/db_" + db, vcap.at("/postgresql/0/credentials/uri").asText());
        assertEquals("relational", vcap.at("/postgresql/0/tags/0").asText());

        assertEquals("/data/fs/" + files, start.environment().get("STACKATO_FILESYSTEM"));
        assertEquals("/data/fs/" + files, start.environment().get("STACKATO_FILESYSTEM_FILES"));
        assertEquals("postgres://u:p@127.0.0.1:5432/db_" + db, start.environment().get("DATABASE_URL"));
        assertEquals("postgres://u:p@127.0.0.1:5432/db_" + db, start.environment().get("POSTGRESQL_URL"));
        assertEquals("/data/fs/" + files, Json.mapper().readTree(start.environment().get("STACKATO_SERVICES"))
                .at("/files/dir").asText());
        assertEquals("prod", start.environment().get("MODE"), "the app's own variables stay");

        JsonNode env = c.get("/v2/apps/" + app + "/env").json();
        assertEquals("/data/fs/" + files, env.at("/system_env_json/VCAP_SERVICES/filesystem/0/credentials/dir").asText());
    }

    @Test
    void bindingRestartsAStartedAppWithTheService() throws Exception {
        String app = startedApp("bound");
        c.controller.runtime().publish(app);
        DesiredApp before = c.desired(app).orElseThrow();
        assertEquals("{}", Json.mapper().readTree(before.services()).toString());
        String files = createInstance("files", "filesystem", "free");
        assertEquals(201, c.post("/v2/service_bindings", "{\"service_instance_guid\":\"" + files + "\",\"app_guid\":\""
                + app + "\"}").status());
        DesiredApp after = c.desired(app).orElseThrow();
        assertNotEquals(before.version(), after.version());
        assertEquals("files", Json.mapper().readTree(after.services()).at("/filesystem/0/name").asText());
    }

    @Test
    void unbindingRestartsTheRunningInstancesWithoutTheService() throws Exception {
        String app = startedApp("worker");
        String files = createInstance("files", "filesystem", "free");
        String binding = c.post("/v2/service_bindings", "{\"service_instance_guid\":\"" + files + "\",\"app_guid\":\""
                + app + "\"}").json().at("/metadata/guid").asText();
        DesiredApp bound = c.desired(app).orElseThrow();
        assertEquals("/data/fs/" + files, bound.environment().get("STACKATO_FILESYSTEM"));

        assertEquals(204, c.delete("/v2/service_bindings/" + binding).status());
        assertTrue(broker.bindings.isEmpty());
        DesiredApp unbound = c.desired(app).orElseThrow();
        assertNotEquals(bound.version(), unbound.version(), "the instances restart, without the service");
        assertEquals(null, unbound.environment().get("STACKATO_FILESYSTEM"));
        assertEquals("{}", Json.mapper().readTree(unbound.services()).toString());
        assertEquals("{}", Json.mapper().readTree(c.get("/v2/apps/" + app + "/env").body())
                .at("/system_env_json/VCAP_SERVICES").toString());
        assertEquals(404, c.get("/v2/service_bindings/" + binding).status());
    }

    @Test
    void aBoundInstanceIsDeletedOnlyRecursively() throws Exception {
        String app = startedApp("api");
        String db = createInstance("mydb", "postgresql", "free");
        assertEquals(201, c.post("/v2/service_bindings",
                "{\"service_instance_guid\":\"" + db + "\",\"app_guid\":\"" + app + "\"}").status());

        Reply refused = c.delete("/v2/service_instances/" + db);
        assertEquals(400, refused.status());
        assertEquals("CF-AssociationNotEmpty", refused.json().get("error_code").asText());
        assertTrue(refused.json().get("description").asText().contains("Please delete the service_bindings"));
        assertTrue(broker.instances.containsKey(db), "nothing was deleted");

        assertEquals(204, c.delete("/v2/service_instances/" + db + "?recursive=true").status());
        assertFalse(broker.instances.containsKey(db));
        assertTrue(broker.bindings.isEmpty());
        assertEquals(404, c.get("/v2/service_instances/" + db).status());
        assertEquals(0, c.get("/v2/apps/" + app + "/service_bindings").json().get("total_results").asInt());
    }

    @Test
    void namesAreUniqueAndABrokerFailureLeavesNoInstance() throws Exception {
        createInstance("files", "filesystem", "free");
        Reply taken = c.post("/v2/service_instances", body("files", "filesystem", "free"));
        assertEquals(400, taken.status());
        assertEquals("CF-ServiceInstanceNameTaken", taken.json().get("error_code").asText());

        Reply failed = c.post("/v2/service_instances", body("broken", "filesystem", "failing"));
        assertEquals(502, failed.status());
        assertTrue(failed.json().get("description").asText().contains("the disk is full"), failed.body());
        assertEquals(0, c.get("/v2/service_instances?q=name:broken").json().get("total_results").asInt());
        assertEquals(1, c.get("/v2/service_instances").json().get("total_results").asInt());
    }

    @Test
    void deletingAnAppRevokesItsBindings() throws Exception {
        String app = startedApp("gone");
        String files = createInstance("files", "filesystem", "free");
        c.post("/v2/service_bindings", "{\"service_instance_guid\":\"" + files + "\",\"app_guid\":\"" + app + "\"}");
        c.controller.runtime().publish(app);
        assertTrue(c.desired(app).isPresent());
        assertEquals(204, c.delete("/v2/apps/" + app).status());
        assertTrue(broker.bindings.isEmpty());
        assertEquals(java.util.Optional.empty(), c.desired(app), "its instances must stop");
        assertEquals(204, c.delete("/v2/service_instances/" + files).status(), "nothing is bound any more");
    }

    @Test
    void parametersReachTheBrokerAndAHarborPortReachesTheApp() throws Exception {
        broker.advertiseHarbor(c.shared);
        Reply created = c.post("/v2/service_instances", body("game-port", "harbor", "free")
                .replace("}", ",\"parameters\":{\"protocol\":\"udp\",\"limit\":5}}"));
        assertEquals(201, created.status(), created.body());
        String harbor = created.json().at("/metadata/guid").asText();
        assertEquals("udp", broker.parameters.get(harbor).path("protocol").asText());
        assertEquals("5", broker.parameters.get(harbor).path("limit").asText());
        Reply invalid = c.post("/v2/service_instances", body("bad", "harbor", "free").replace("}", ",\"parameters\":[1]}"));
        assertEquals(400, invalid.status(), invalid.body());

        String app = startedApp("game");
        assertEquals(201, c.post("/v2/service_bindings",
                "{\"service_instance_guid\":\"" + harbor + "\",\"app_guid\":\"" + app + "\"}").status());
        DesiredApp desired = c.desired(app).orElseThrow();
        assertEquals("41000", desired.environment().get("STACKATO_HARBOR"));
        assertEquals("41000", desired.environment().get("STACKATO_HARBOR_GAME_PORT"));
    }

    @Test
    void aServiceWhoseServerIsDownEverywhereIsInactiveAndNotProvisioned() throws Exception {
        c.shared.map(io.strato.api.app.Channels.BROKER_CATALOG).put("node-1|postgresql", Json.write(
                new io.strato.api.service.ServiceOffering("node-1", "http://127.0.0.1:1/broker", "postgresql", "14",
                        "databases", java.util.List.of("relational"),
                        java.util.List.of(new io.strato.api.service.ServiceOffering.Plan("free", "a database", true)),
                        io.strato.api.service.ServiceHealth.down("postgresql server at 127.0.0.1:15432 does not answer"))),
                java.time.Duration.ofMinutes(5));
        JsonNode services = c.get("/v2/services").json();
        for (JsonNode s : services.get("resources")) {
            assertEquals(!s.at("/entity/label").asText().equals("postgresql"), s.at("/entity/active").asBoolean(),
                    s.toString());
        }
        Reply refused = c.post("/v2/service_instances", body("mydb", "postgresql", "free"));
        assertEquals(502, refused.status(), refused.body());
        assertTrue(refused.body().contains("postgresql is down on every node that offers it (node-1: postgresql server"
                + " at 127.0.0.1:15432 does not answer)"), refused.body());
        assertTrue(broker.instances.isEmpty(), "nothing was provisioned");
    }

    private String createInstance(String name, String label, String plan) throws Exception {
        Reply r = c.post("/v2/service_instances", body(name, label, plan));
        assertEquals(201, r.status(), r.body());
        assertEquals(ServiceCatalog.planGuid(label, plan), r.json().at("/entity/service_plan_guid").asText());
        return r.json().at("/metadata/guid").asText();
    }

    private static String body(String name, String label, String plan) {
        return "{\"name\":\"" + name + "\",\"service_plan_guid\":\"" + ServiceCatalog.planGuid(label, plan)
                + "\",\"space_guid\":\"" + io.strato.role.controller.ControllerSchema.DEFAULT_SPACE_GUID + "\"}";
    }

    /** An app started with a droplet, as if staged already. */
    private String startedApp(String name) throws Exception {
        String guid = c.createApp("{\"name\":\"" + name + "\",\"environment_json\":{\"MODE\":\"prod\"}}");
        new Sql(c.database.dataSource()).update("UPDATE ctl_apps SET state = 'STARTED', droplet_hash = 'd1',"
                + " package_state = 'STAGED' WHERE guid = ?", guid);
        return guid;
    }
}
