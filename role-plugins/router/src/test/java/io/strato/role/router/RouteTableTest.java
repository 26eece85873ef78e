package io.strato.role.router;

import io.strato.api.app.RouteEntry;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.SharedMap;
import io.strato.api.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RouteTableTest {

    private final LocalSharedState state = new LocalSharedState();
    private final SharedMap map = state.map("router.routes");
    private final RouteTable table = new RouteTable(map);

    @AfterEach
    void close() {
        table.close();
        state.close();
    }

    @Test
    void loadsRoutesPresentBeforeItStartsAndFollowsLaterChanges() {
        put(new RouteEntry("App.Example.com", "10.0.0.5", 61001, "guid", "i-0", 0));
        map.put("broken|x", "{not json");
        table.start();
        assertEquals(List.of(61001), ports("app.example.com"));

        // The instance moved to another port: the old address must not linger.
        put(new RouteEntry("app.example.com", "10.0.0.5", 61005, "guid", "i-0", 0));
        put(new RouteEntry("app.example.com", "10.0.0.6", 61002, "guid", "i-1", 1));
        assertEquals(List.of(61005, 61002), ports("app.example.com"));

        map.remove("app.example.com|i-0");
        assertEquals(List.of(61002), ports("app.example.com"));
        map.remove("app.example.com|i-1");
        assertNull(table.lookup("app.example.com"));
        assertNull(table.lookup("broken"));
    }

    @Test
    void roundRobinSkipsInstancesThatAlreadyFailed() {
        put(new RouteEntry("app.example.com", "10.0.0.5", 61001, "guid", "i-0", 0));
        put(new RouteEntry("app.example.com", "10.0.0.6", 61002, "guid", "i-1", 1));
        table.start();
        HostBackends backends = table.lookup("app.example.com");
        List<Backend> failed = List.of(backends.instance("i-0"));
        for (int i = 0; i < 4; i++) {
            assertEquals("i-1", backends.next(failed).instanceId());
        }
        assertNull(backends.next(backends.backends()));
    }

    private void put(RouteEntry entry) {
        map.put(entry.key(), Json.write(entry));
    }

    private List<Integer> ports(String host) {
        return table.lookup(host).backends().stream().map(b -> b.address().getPort()).collect(Collectors.toList());
    }
}
