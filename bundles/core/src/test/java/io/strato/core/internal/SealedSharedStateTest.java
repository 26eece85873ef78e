package io.strato.core.internal;

import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SealedSharedStateTest {

    private static final String SECRET = "the-cluster-secret-0123456789";
    private final LocalSharedState raw = new LocalSharedState();
    private final SealedSharedState sealed = new SealedSharedState(raw, SECRET);

    @AfterEach
    void close() {
        raw.close();
    }

    @Test
    void valuesAreReadableOnlyWithTheSecret() {
        SharedMap map = sealed.map("controller.desired");
        map.put("app-1", "{\"env\":{\"PASSWORD\":\"hunter2\"}}");
        assertEquals(Optional.of("{\"env\":{\"PASSWORD\":\"hunter2\"}}"), map.get("app-1"));

        String stored = raw.map("controller.desired").get("app-1").orElseThrow();
        assertFalse(stored.contains("hunter2"), "what travels and is stored is sealed");
        assertFalse(stored.contains("PASSWORD"));

        SharedMap other = new SealedSharedState(raw, "another-secret-0123456789").map("controller.desired");
        assertEquals(Optional.empty(), other.get("app-1"), "a wrong secret reads nothing");
        assertEquals(Map.of(), other.entries());
        assertEquals(Optional.of(true), sealed.opens("controller.desired", "app-1"));
        assertEquals(Optional.of(false), new SealedSharedState(raw, "another-secret-0123456789").opens("controller.desired", "app-1"));
        assertEquals(Optional.empty(), sealed.opens("controller.desired", "app-2"));
    }

    @Test
    void forgedEntriesAreIgnoredEverywhere() {
        SharedMap map = sealed.map("strato.nodes");
        List<String> seen = new CopyOnWriteArrayList<>();
        map.listen((k, v) -> seen.add(k + "=" + v.orElse("-")));
        map.put("node-1", "real");
        raw.map("strato.nodes").put("rogue", "{\"id\":\"rogue\",\"name\":\"rogue\"}");
        raw.map("strato.nodes").put("forged-prefix", "s1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        raw.map("strato.nodes").put("garbage", "s1:***");

        assertEquals(Map.of("node-1", "real"), map.entries());
        assertEquals(Optional.empty(), map.get("rogue"));
        assertEquals(List.of("real"), List.copyOf(map.entries().values()));
        assertEquals(List.of("node-1=real"), seen, "listeners never see what does not open");

        // a removal is passed on, forged or not: anyone on the cluster network can delete
        raw.map("strato.nodes").remove("rogue");
        assertEquals(List.of("node-1=real", "rogue=-"), seen);
    }

    @Test
    void anEntryCannotBeMovedToAnotherKeyOrMap() {
        sealed.map("strato.nodes").put("node-1", "node one");
        String stored = raw.map("strato.nodes").get("node-1").orElseThrow();
        raw.map("strato.nodes").put("node-2", stored);
        raw.map("strato.other").put("node-1", stored);
        assertEquals(Optional.empty(), sealed.map("strato.nodes").get("node-2"));
        assertEquals(Optional.empty(), sealed.map("strato.other").get("node-1"));
        assertEquals(Optional.of("node one"), sealed.map("strato.nodes").get("node-1"));
    }

    @Test
    void compareAndSetComparesWhatWasWrittenNotItsSealedBytes() {
        SharedMap map = sealed.map("strato.primary");
        assertEquals(Optional.empty(), map.putIfAbsent("primary", "a", null));
        assertEquals(Optional.of("a"), map.putIfAbsent("primary", "b", null), "the opened existing value");
        assertFalse(map.replace("primary", "b", "c"));
        assertTrue(map.replace("primary", "a", "c"));
        assertEquals(Optional.of("c"), map.get("primary"));
        assertFalse(map.remove("primary", "a"));
        assertTrue(map.remove("primary", "c"));
        assertEquals(Optional.empty(), map.get("primary"));
        assertFalse(map.replace("primary", "c", "d"), "nothing to replace");

        // a forged value is not the expected one, and does not block a put-if-absent
        raw.map("strato.primary").put("primary", "forged");
        assertFalse(map.replace("primary", "forged", "x"));
        assertFalse(map.remove("primary", "forged"));
        assertEquals(Optional.empty(), map.putIfAbsent("primary", "mine", null));
        assertEquals(Optional.of("mine"), map.get("primary"));
    }

    @Test
    void timeToLiveStillExpiresEntries() throws InterruptedException {
        SharedMap map = sealed.map("dea.advertisements");
        map.put("dea-1", "capacity", Duration.ofMillis(200));
        assertEquals(Optional.empty(), map.putIfAbsent("dea-2", "x", Duration.ofMillis(200)));
        assertEquals(Optional.of("capacity"), map.get("dea-1"));
        Thread.sleep(600);
        assertEquals(Optional.empty(), map.get("dea-1"));
        assertEquals(Optional.empty(), map.get("dea-2"));
    }

    @Test
    void topicMessagesAreSealedAndForgedOnesDropped() {
        List<String> got = new ArrayList<>();
        List<String> rawGot = new ArrayList<>();
        Topic topic = sealed.topic("router.register");
        topic.subscribe(got::add);
        raw.topic("router.register").subscribe(rawGot::add);
        topic.publish("app.example.test -> 10.0.0.1:61000");
        raw.topic("router.register").publish("evil.example.test -> 6.6.6.6:80");
        new SealedSharedState(raw, "another-secret-0123456789").topic("router.register").publish("from another cluster");
        assertEquals(List.of("app.example.test -> 10.0.0.1:61000"), got);
        assertFalse(rawGot.get(0).contains("app.example.test"));
        // a message sealed for one topic does not open on another
        List<String> other = new ArrayList<>();
        sealed.topic("dea.start").subscribe(other::add);
        raw.topic("dea.start").publish(rawGot.get(0));
        assertEquals(List.of(), other);
    }
}
