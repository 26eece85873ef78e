package io.strato.api.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BlobLocationsTest {

    private static final String PATH = "/internal/v2/droplets/app-1/abc";

    @Test
    void aBlobPathIsTriedOnThisNodesControllerFirstThenOnEveryOther() {
        Map<String, String> controllers = new LinkedHashMap<>();
        controllers.put("node-2", "http://10.0.0.2:8181");
        controllers.put("node-1", "http://10.0.0.1:8181/");
        controllers.put("node-3", "http://10.0.0.3:8181");

        List<BlobLocations.Location> places = BlobLocations.candidates(PATH, controllers, "node-1");

        assertEquals(new BlobLocations.Location("node-1", URI.create("http://10.0.0.1:8181" + PATH)), places.get(0));
        assertEquals(Set.of("node-2", "node-3"), places.subList(1, 3).stream().map(BlobLocations.Location::nodeId)
                .collect(Collectors.toSet()));
        assertEquals("the controller on node-1 (http://10.0.0.1:8181)", places.get(0).describe());
    }

    @Test
    void aNodeWithoutAControllerTriesThemAll() {
        List<BlobLocations.Location> places = BlobLocations.candidates(PATH,
                Map.of("node-2", "http://10.0.0.2:8181", "node-3", "http://10.0.0.3:8181"), "node-9");
        assertEquals(2, places.size());
    }

    @Test
    void anAbsoluteUrlOfAnOlderControllerComesFirstThenItsPathElsewhere() {
        Map<String, String> controllers = new HashMap<>(Map.of("node-2", "http://10.0.0.2:8181"));
        List<BlobLocations.Location> places = BlobLocations.candidates("http://10.0.0.1:8181" + PATH, controllers, "node-2");

        assertEquals(URI.create("http://10.0.0.1:8181" + PATH), places.get(0).uri());
        assertEquals(URI.create("http://10.0.0.2:8181" + PATH), places.get(1).uri());
        assertEquals(2, places.size());
    }

    @Test
    void withNoControllerThereIsNowhereToTry() {
        assertTrue(BlobLocations.candidates(PATH, Map.of(), "node-1").isEmpty());
    }

    @Test
    void somethingThatIsNeitherAPathNorAnHttpUrlIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BlobLocations.candidates("file:///etc/passwd", Map.of(), "n"));
        assertThrows(IllegalArgumentException.class, () -> BlobLocations.candidates("internal/v2/x", Map.of(), "n"));
        assertThrows(IllegalArgumentException.class, () -> BlobLocations.candidates("http://a b", Map.of(), "n"));
    }

    @Test
    void aDesiredAppIsWrittenTheSameWhateverTheOrderOfItsEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 30; i > 0; i--) {
            env.put("VAR_" + (char) ('A' + i % 26) + i, "v" + i);
        }
        DesiredApp app = new DesiredApp("g", "web", "v1", 1, PATH, 256, 1024, null, List.of(), env, "{}", 20001);

        List<String> written = List.copyOf(app.environment().keySet());
        assertEquals(written.stream().sorted().toList(), written,
                "sorted, so that every controller (each JVM orders Map.copyOf its own way) writes identical JSON");
    }
}
