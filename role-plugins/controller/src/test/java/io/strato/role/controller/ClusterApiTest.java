package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.cluster.Lease;
import io.strato.api.json.Json;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceOffering;
import io.strato.testkit.TestCluster;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /v2/cluster}: what kato:status shows, for admins only. */
class ClusterApiTest {

    private ControllerFixture c;

    @BeforeEach
    void start() throws Exception {
        c = new ControllerFixture();
    }

    @AfterEach
    void stop() {
        c.close();
    }

    @Test
    void anAdminSeesNodesDeasDataServicesAndWarnings() throws Exception {
        c.shared.map(Channels.DEA_ADVERTISEMENTS).put("node-1", Json.write(new DeaAdvertisement("node-1", "node-1",
                "127.0.0.1", 2048, 1536, 2, System.currentTimeMillis())));
        c.shared.map(Channels.BROKER_CATALOG).put("node-1|mysql", Json.write(new ServiceOffering("node-1", "http://x/broker",
                "mysql", "11.4", "", List.of(), List.of(), ServiceHealth.down("mysql server does not answer"))));
        c.shared.map(Channels.HEALTH_MANAGER_LEASE).put(Lease.KEY, "node-1");

        ControllerFixture.Reply r = c.get("/v2/cluster");
        assertEquals(200, r.status(), r.body());
        JsonNode s = r.json();
        assertEquals("test", s.get("name").asText());
        assertEquals(TestCluster.DOMAIN, s.get("app_domain").asText());
        assertEquals("node-1", s.get("primary").asText());
        assertEquals("node-1", s.get("health_manager").asText());
        JsonNode node = s.at("/nodes/0");
        assertTrue(node.get("primary").asBoolean());
        assertEquals(512, node.at("/dea/memory_used_mb").asLong());
        assertEquals(2048, node.at("/dea/memory_total_mb").asLong());
        assertEquals(2, node.at("/dea/instances").asInt());
        assertEquals("mysql", s.at("/data_services/0/label").asText());
        assertEquals(false, s.at("/data_services/0/up").asBoolean());
        assertEquals("mysql on node-1 is down: mysql server does not answer", s.at("/warnings/0").asText());
    }

    @Test
    void othersAreRefusedAsForEveryAdminResource() throws Exception {
        c.users.add("carol", "carol's long password", false);
        String token = c.login("carol", "carol's long password").json().get("access_token").asText();
        ControllerFixture.Reply r = c.send(HttpRequest.newBuilder(URI.create(c.url + "/v2/cluster"))
                .header("Authorization", "bearer " + token).GET());
        assertEquals(403, r.status(), r.body());
        assertEquals("CF-NotAuthorized", r.json().get("error_code").asText());
        assertEquals(401, c.send(HttpRequest.newBuilder(URI.create(c.url + "/v2/cluster")).GET()).status());
    }
}
