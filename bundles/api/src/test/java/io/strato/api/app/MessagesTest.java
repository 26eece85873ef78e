package io.strato.api.app;

import io.strato.api.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessagesTest {

    @Test
    void recordsSurviveTheWireAndIgnoreUnknownFields() {
        InstanceOrder order = new InstanceOrder("dea-1", InstanceOrder.Action.START, "g", "app", "v1", 2, null,
                "http://x/droplet", 256, 1024, null, List.of("app.localhost"), Map.of("A", "b"), "{}", 20001);
        assertEquals(order, Json.read(Json.write(order), InstanceOrder.class));
        String newer = Json.write(new RouteEntry("App.LocalHost", "127.0.0.1", 6000, "g", "i", 0))
                .replace("{", "{\"weight\":3,");
        RouteEntry route = Json.read(newer, RouteEntry.class);
        assertEquals("app.localhost", route.host());
        assertEquals("app.localhost|i", route.key());
    }

    @Test
    void invalidJsonIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"host\":", RouteEntry.class));
        assertTrue(e.getMessage().startsWith("not a valid RouteEntry"));
    }

    @Test
    void internalTokensDependOnSecretAndPurpose() {
        String t = InternalAuth.token("s3cret", "blobstore");
        assertTrue(InternalAuth.verify("s3cret", "blobstore", "Bearer " + t));
        assertFalse(InternalAuth.verify("other", "blobstore", "Bearer " + t));
        assertFalse(InternalAuth.verify("s3cret", "broker", "Bearer " + t));
        assertFalse(InternalAuth.verify("s3cret", "blobstore", null));
        assertTrue(InternalAuth.verify("s3cret", "blobstore", "bearer " + t), "the scheme is case-insensitive (RFC 7235)");
        assertFalse(InternalAuth.verify("s3cret", "blobstore", "Basic " + t));
        assertFalse(InternalAuth.verify("s3cret", "blobstore", t));
    }
}
