package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.role.controller.ControllerFixture.Reply;
import io.strato.api.sandbox.UidRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** App uids as a client meets them: invisible, until the controller's range is used up. */
class AppUidApiTest {

    private ControllerFixture c;

    @BeforeEach
    void start() throws Exception {
        c = new ControllerFixture(new UidRange(20000, 20001));
    }

    @AfterEach
    void stop() {
        c.close();
    }

    @Test
    void creatingAnAppWhenEveryUidIsTakenFailsAndSaysWhy() throws Exception {
        String web = c.createApp("{\"name\":\"web\"}");
        String worker = c.createApp("{\"name\":\"worker\"}");
        assertNotEquals(c.appUid(web), c.appUid(worker));

        Reply refused = c.post("/v2/apps", "{\"name\":\"third\"}");
        assertEquals(503, refused.status(), refused.body());
        assertEquals("CF-ServiceUnavailable", refused.json().get("error_code").asText());
        assertEquals(10015, refused.json().get("code").asInt());
        String description = refused.json().get("description").asText();
        assertTrue(description.startsWith("The app could not be created: every app uid of the range 20000-20001"
                + " (2 uids) belongs to an app"), description);
        assertEquals(0, c.get("/v2/apps?q=name:third").json().get("total_results").asInt(), "no app is left behind");

        assertEquals(204, c.delete("/v2/apps/" + web).status());
        String third = c.createApp("{\"name\":\"third\"}");
        assertEquals(20000, c.appUid(third), "a deleted app's uid is free again");
    }
}
