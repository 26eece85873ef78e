package io.strato.api.cluster;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalSharedStateTest {

    private final LocalSharedState state = new LocalSharedState();

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void entryWithTtlExpiresAndListenersHearIt() throws Exception {
        SharedMap map = state.map("m");
        List<String> events = new ArrayList<>();
        map.listen((k, v) -> events.add(k + "=" + v.orElse("<gone>")));
        map.put("a", "1", Duration.ofMillis(200));
        assertEquals(Optional.of("1"), map.get("a"));
        Thread.sleep(500);
        assertEquals(Optional.empty(), map.get("a"));
        assertEquals(List.of("a=1", "a=<gone>"), events);
    }

    @Test
    void putIfAbsentKeepsTheFirstWriter() {
        SharedMap map = state.map("m");
        assertEquals(Optional.empty(), map.putIfAbsent("primary", "node-1", Duration.ofSeconds(5)));
        assertEquals(Optional.of("node-1"), map.putIfAbsent("primary", "node-2", Duration.ofSeconds(5)));
        assertFalse(map.remove("primary", "node-2"));
        assertTrue(map.remove("primary", "node-1"));
        assertEquals(Optional.empty(), map.putIfAbsent("primary", "node-2", Duration.ofSeconds(5)));
    }

    @Test
    void topicReachesSubscribersUntilClosed() {
        List<String> got = new ArrayList<>();
        Registration r = state.topic("t").subscribe(got::add);
        state.topic("t").publish("one");
        r.close();
        state.topic("t").publish("two");
        assertEquals(List.of("one"), got);
    }
}
