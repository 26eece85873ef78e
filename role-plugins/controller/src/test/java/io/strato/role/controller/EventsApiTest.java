package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.AppEvent;
import io.strato.api.app.Channels;
import io.strato.api.json.Json;
import io.strato.role.controller.ControllerFixture.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash events the health manager publishes, recorded once and listed by {@code /v2/events} as CF does, with
 * the audit events.
 */
class EventsApiTest {

    private static final long T0 = 1_764_000_000_000L;

    private ControllerFixture c;

    @BeforeEach
    void start() throws Exception {
        c = new ControllerFixture();
    }

    @AfterEach
    void stop() {
        c.close();
    }

    private void crash(String guid, String app, long at, int index, Integer exit, String reason) {
        c.shared.topic(Channels.APP_EVENTS).publish(Json.write(new AppEvent(guid, app, AppEvent.CRASH, at, index,
                guid, exit, reason)));
    }

    @Test
    void aCrashIsListedNewestFirstInCfShape() throws Exception {
        String app = c.createApp("{\"name\":\"crashy\"}");
        String other = c.createApp("{\"name\":\"other\"}");
        crash("inst-1", app, T0, 0, 1, "exited with status 1");
        crash("inst-2", app, T0 + 5_000, 1, null, "killed: out of memory");
        crash("inst-3", other, T0 + 1_000, 0, 2, "exited with status 2");

        JsonNode list = c.get("/v2/events?q=type:app.crash&q=actee:" + app).json();
        assertEquals(2, list.get("total_results").asInt());
        JsonNode newest = list.at("/resources/0");
        assertEquals("inst-2", newest.at("/metadata/guid").asText());
        assertEquals("/v2/events/inst-2", newest.at("/metadata/url").asText());
        JsonNode e = list.at("/resources/1/entity");
        assertEquals("app.crash", e.get("type").asText());
        assertEquals(app, e.get("actor").asText());
        assertEquals("app", e.get("actor_type").asText());
        assertEquals("crashy", e.get("actor_name").asText());
        assertEquals(app, e.get("actee").asText());
        assertEquals("app", e.get("actee_type").asText());
        assertEquals("crashy", e.get("actee_name").asText());
        assertEquals("2025-11-24T16:00:00Z", e.get("timestamp").asText());
        assertEquals(ControllerSchema.DEFAULT_SPACE_GUID, e.get("space_guid").asText());
        assertEquals("inst-1", e.at("/metadata/instance").asText());
        assertEquals(0, e.at("/metadata/index").asInt());
        assertEquals(1, e.at("/metadata/exit_status").asInt());
        assertEquals("exited with status 1", e.at("/metadata/exit_description").asText());
        assertEquals("CRASHED", e.at("/metadata/reason").asText());
        assertTrue(newest.at("/entity/metadata/exit_status").isNull(), "an unknown exit status is null");
        assertEquals(1, newest.at("/entity/metadata/index").asInt());

        assertEquals(5, c.get("/v2/events").json().get("total_results").asInt(), "3 crashes and 2 apps created");
        assertEquals(3, c.get("/v2/events?q=type:app.crash").json().get("total_results").asInt());
        assertEquals(0, c.get("/v2/events?q=type:audit.app.update").json().get("total_results").asInt());
        assertEquals("inst-1", c.get("/v2/events?q=type:app.crash&q=actee:" + app + "&order-direction=asc").json()
                .at("/resources/0/metadata/guid").asText());
        assertEquals(3, c.get("/v2/apps/" + app + "/events").json().get("total_results").asInt(), "2 crashes, 1 create");
        assertEquals("inst-2", c.get("/v2/events/inst-2").json().at("/metadata/guid").asText());
        assertEquals(404, c.get("/v2/events/nope").status());
        assertEquals(404, c.get("/v2/apps/nope/events").status());
    }

    @Test
    void theSameEventTwiceIsRecordedOnce() throws Exception {
        String app = c.createApp("{\"name\":\"twice\"}");
        crash("inst-1", app, T0, 0, 1, "exited with status 1");
        crash("inst-1", app, T0, 0, 1, "exited with status 1");
        assertEquals(1, c.get("/v2/events?q=type:app.crash&q=actee:" + app).json().get("total_results").asInt());
    }

    @Test
    void eventsArePagedLikeOtherLists() throws Exception {
        String app = c.createApp("{\"name\":\"paged\"}");
        for (int i = 0; i < 5; i++) {
            crash("inst-" + i, app, T0 + i * 1000L, 0, 1, "exited");
        }
        JsonNode page = c.get("/v2/events?q=type:app.crash&q=actee:" + app + "&results-per-page=2&page=2").json();
        assertEquals(5, page.get("total_results").asInt());
        assertEquals(3, page.get("total_pages").asInt());
        assertEquals(2, page.get("resources").size());
        assertEquals("inst-2", page.at("/resources/0/metadata/guid").asText());
        assertEquals("/v2/events?q=type%3Aapp.crash&q=actee%3A" + app + "&page=3&results-per-page=2", page.get("next_url").asText());
        Reply bad = c.get("/v2/events?results-per-page=1000");
        assertEquals(400, bad.status());
    }

    @Test
    void deletingAnAppDeletesItsEventsAndLaterEventsOfItAreIgnored() throws Exception {
        String app = c.createApp("{\"name\":\"doomed\"}");
        String kept = c.createApp("{\"name\":\"kept\"}");
        crash("inst-1", app, T0, 0, 1, "exited");
        crash("inst-2", kept, T0, 0, 1, "exited");
        assertEquals(204, c.delete("/v2/apps/" + app).status());
        crash("inst-3", app, T0 + 1, 0, 1, "exited");
        JsonNode all = c.get("/v2/events?q=type:app.crash").json();
        assertEquals(1, all.get("total_results").asInt());
        assertEquals("inst-2", all.at("/resources/0/metadata/guid").asText());
        assertEquals(0, new Sql(c.database.dataSource()).count("SELECT COUNT(*) FROM ctl_app_events WHERE app_guid = ?", app));
    }

    @Test
    void aClosedControllerRecordsNothingMore() throws Exception {
        String app = c.createApp("{\"name\":\"late\"}");
        c.controller.close();
        crash("inst-1", app, T0, 0, 1, "exited");
        assertEquals(0, new Sql(c.database.dataSource()).count("SELECT COUNT(*) FROM ctl_app_events"));
    }
}
