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

    /** A value of the map, as a role writes it. */
    record Point(int x, int y) {
    }

    @Test
    void valuesReadsTheEntriesThatAreJsonOfTheTypeAndLeavesOutTheRest() {
        SharedMap map = state.map("points");
        map.put("a", io.strato.api.json.Json.write(new Point(1, 2)));
        map.put("b", "not json");
        map.put("c", io.strato.api.json.Json.write(new Point(3, 4)));
        List<Point> points = new ArrayList<>(map.values(Point.class));
        points.sort(java.util.Comparator.comparingInt(Point::x));
        assertEquals(List.of(new Point(1, 2), new Point(3, 4)), points);
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
