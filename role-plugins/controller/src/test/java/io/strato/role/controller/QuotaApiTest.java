package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.Channels;
import io.strato.api.json.Json;
import io.strato.api.service.ServiceOffering;
import io.strato.role.controller.ControllerFixture.Reply;
import io.strato.role.controller.services.FakeBroker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Quota definitions: the organization's and the space's limits refuse a create, scale, start, route or service
 * instance past them with Cloud Foundry's error codes and a description that names the use, and a refused
 * change loses nothing.
 */
class QuotaApiTest {

    private ControllerFixture c;
    private FakeBroker broker;
    private String org;
    private String space;

    @BeforeEach
    void start() throws Exception {
        c = new ControllerFixture();
        broker = new FakeBroker(ControllerFixture.SECRET);
        broker.advertise(c.shared);
        String quota = created(c.post("/v2/quota_definitions", "{\"name\":\"small\",\"non_basic_services_allowed\":false,"
                + "\"total_services\":1,\"total_routes\":2,\"memory_limit\":2560,\"instance_memory_limit\":1024,"
                + "\"app_instance_limit\":4}"));
        org = created(c.post("/v2/organizations", "{\"name\":\"team\",\"quota_definition_guid\":\"" + quota + "\"}"));
        space = created(c.post("/v2/spaces", "{\"name\":\"dev\",\"organization_guid\":\"" + org + "\"}"));
    }

    @AfterEach
    void stop() {
        broker.close();
        c.close();
    }

    private static String created(Reply r) {
        assertEquals(201, r.status(), r.body());
        return r.json().at("/metadata/guid").asText();
    }

    private static void assertRefused(Reply r, int code, String errorCode, String... words) {
        assertEquals(400, r.status(), r.body());
        JsonNode body = r.json();
        assertEquals(code, body.get("code").asInt(), r.body());
        assertEquals(errorCode, body.get("error_code").asText());
        for (String w : words) {
            assertTrue(body.get("description").asText().contains(w), body.get("description").asText());
        }
    }

    private String app(String name, int memory, int instances, String state) throws Exception {
        return created(c.post("/v2/apps", "{\"name\":\"" + name + "\",\"space_guid\":\"" + space + "\",\"memory\":"
                + memory + ",\"instances\":" + instances + ",\"state\":\"" + state + "\"}"));
    }

    @Test
    void memoryCountsStartedAppsAndTheRefusalNamesTheUse() throws Exception {
        app("a", 1024, 2, "STARTED");
        String b = app("b", 1024, 1, "STOPPED");
        assertRefused(c.put("/v2/apps/" + b, "{\"state\":\"STARTED\"}"), 100005, "CF-AppMemoryQuotaExceeded",
                "memory quota exceeded: 2048 MB in use of 2560 MB, this change needs 1024 MB");
        JsonNode kept = c.get("/v2/apps/" + b).json().get("entity");
        assertEquals("STOPPED", kept.get("state").asText(), "a refused start changes nothing");
        assertEquals(201, c.put("/v2/apps/" + b, "{\"memory\":512}").status(), "a stopped app uses no quota");
        assertEquals(201, c.put("/v2/apps/" + b, "{\"state\":\"STARTED\"}").status(), "512 MB more fits");
        assertRefused(c.post("/v2/apps", "{\"name\":\"c\",\"space_guid\":\"" + space
                + "\",\"memory\":256,\"state\":\"STARTED\"}"), 100005, "CF-AppMemoryQuotaExceeded", "2560 MB in use");
        assertEquals(0, c.get("/v2/apps?q=name:c").json().get("total_results").asInt(), "a refused create stores nothing");
    }

    @Test
    void instanceMemoryAndInstanceCountHaveTheirOwnLimits() throws Exception {
        assertRefused(c.post("/v2/apps", "{\"name\":\"big\",\"space_guid\":\"" + space
                + "\",\"memory\":2048,\"state\":\"STARTED\"}"), 100007, "CF-QuotaInstanceMemoryLimitExceeded", "1024 MB");
        String small = app("small", 64, 3, "STARTED");
        assertRefused(c.put("/v2/apps/" + small, "{\"instances\":5}"), 100008, "CF-QuotaInstanceLimitExceeded",
                "0 instances in use of 4, this change needs 5");
        assertEquals(3, c.get("/v2/apps/" + small).json().at("/entity/instances").asInt());
        assertEquals(201, c.put("/v2/apps/" + small, "{\"instances\":4}").status());
        assertEquals(201, c.put("/v2/apps/" + small, "{\"instances\":1}").status(), "scaling down is never refused");
    }

    @Test
    void servicesRoutesAndPaidPlansAreLimited() throws Exception {
        assertEquals(201, c.post("/v2/routes", "{\"host\":\"one\",\"space_guid\":\"" + space + "\"}").status());
        assertEquals(201, c.post("/v2/routes", "{\"host\":\"two\",\"space_guid\":\"" + space + "\"}").status());
        assertRefused(c.post("/v2/routes", "{\"host\":\"three\",\"space_guid\":\"" + space + "\"}"), 310006,
                "CF-OrgQuotaTotalRoutesExceeded", "2 routes in use of 2");

        String free = plan("filesystem", "free");
        assertEquals(201, c.post("/v2/service_instances", "{\"name\":\"one\",\"space_guid\":\"" + space
                + "\",\"service_plan_guid\":\"" + free + "\"}").status());
        assertRefused(c.post("/v2/service_instances", "{\"name\":\"two\",\"space_guid\":\"" + space
                + "\",\"service_plan_guid\":\"" + free + "\"}"), 60005, "CF-ServiceInstanceQuotaExceeded",
                "1 service instances in use of 1");
        assertEquals(1, broker.instances.size(), "a refused instance is never provisioned");

        c.shared.map(Channels.BROKER_CATALOG).put("node-1|redis", Json.write(new ServiceOffering("node-1", broker.url,
                "redis", "7", "key-value", List.of("redis"), List.of(new ServiceOffering.Plan("large", "paid", false)),
                null)), Duration.ofMinutes(5));
        String other = created(c.post("/v2/spaces", "{\"name\":\"other\",\"organization_guid\":\""
                + ControllerSchema.DEFAULT_ORG_GUID + "\"}"));
        assertEquals(201, c.post("/v2/service_instances", "{\"name\":\"paid\",\"space_guid\":\"" + other
                + "\",\"service_plan_guid\":\"" + plan("redis", "large") + "\"}").status(), "the default quota allows paid plans");
        c.delete("/v2/service_instances/" + c.get("/v2/service_instances?q=name:one").json()
                .at("/resources/0/metadata/guid").asText());
        assertRefused(c.post("/v2/service_instances", "{\"name\":\"paid\",\"space_guid\":\"" + space
                + "\",\"service_plan_guid\":\"" + plan("redis", "large") + "\"}"), 60007,
                "CF-ServiceInstanceServicePlanNotAllowed", "paid service plans are not allowed");
    }

    @Test
    void aSpaceQuotaLimitsItsSpaceUnderTheOrganizationsQuota() throws Exception {
        String sq = created(c.post("/v2/space_quota_definitions", "{\"name\":\"tiny\",\"organization_guid\":\"" + org
                + "\",\"non_basic_services_allowed\":true,\"total_services\":5,\"total_routes\":5,\"memory_limit\":512}"));
        assertEquals(201, c.put("/v2/space_quota_definitions/" + sq + "/spaces/" + space, "").status());
        assertEquals(sq, c.get("/v2/spaces/" + space).json().at("/entity/space_quota_definition_guid").asText());
        app("fits", 512, 1, "STARTED");
        assertRefused(c.post("/v2/apps", "{\"name\":\"over\",\"space_guid\":\"" + space
                + "\",\"memory\":128,\"state\":\"STARTED\"}"), 310003, "CF-SpaceQuotaMemoryLimitExceeded",
                "your space's memory limit", "512 MB in use of 512 MB");
        assertEquals(204, c.delete("/v2/space_quota_definitions/" + sq).status());
        assertEquals(201, c.post("/v2/apps", "{\"name\":\"over\",\"space_guid\":\"" + space
                + "\",\"memory\":128,\"state\":\"STARTED\"}").status(), "without the space quota the org's applies");
    }

    @Test
    void theDefaultQuotaGoesToNewOrganizationsAndStays() throws Exception {
        String fresh = created(c.post("/v2/organizations", "{\"name\":\"fresh\"}"));
        assertEquals(ControllerSchema.DEFAULT_QUOTA_GUID, c.get("/v2/organizations/" + fresh).json()
                .at("/entity/quota_definition_guid").asText());
        assertEquals(201, c.put("/v2/quota_definitions/" + ControllerSchema.DEFAULT_QUOTA_GUID,
                "{\"memory_limit\":4096}").status());
        assertEquals(4096, c.get("/v2/quota_definitions?q=name:default").json()
                .at("/resources/0/entity/memory_limit").asInt());
        assertEquals(400, c.delete("/v2/quota_definitions/" + ControllerSchema.DEFAULT_QUOTA_GUID).status());
        assertEquals(400, c.post("/v2/quota_definitions", "{\"name\":\"bad\",\"memory_limit\":-5,"
                + "\"total_services\":1,\"total_routes\":1}").status(), "a limit below -1 is refused");
        assertEquals(400, c.post("/v2/quota_definitions", "{\"name\":\"default\",\"memory_limit\":1,"
                + "\"total_services\":1,\"total_routes\":1}").status(), "names are unique");
        JsonNode summary = c.get("/v2/organizations/" + org + "/summary").json();
        assertEquals("small", summary.at("/quota/entity/name").asText());
        assertEquals(0, summary.at("/quota/usage/memory").asInt());
    }

    private String plan(String label, String name) throws Exception {
        for (JsonNode p : c.get("/v2/service_plans").json().get("resources")) {
            if (p.at("/entity/name").asText().equals(name) && p.at("/entity/unique_id").asText().equals(label + "-" + name)) {
                return p.at("/metadata/guid").asText();
            }
        }
        throw new AssertionError("no plan " + label + "/" + name);
    }
}
