package io.strato.role.dea;

import io.strato.testkit.TestBlobStore;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A DEA fetches a droplet from whichever live controller can send it, its own node's first. */
class DropletCacheTest {

    private static final String SECRET = "secret-for-droplet-cache-tests";
    private static final byte[] DROPLET = "a droplet's bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private TestBlobStore local;
    private TestBlobStore other;
    private final Map<String, String> controllers = new LinkedHashMap<>();
    private String path;

    @BeforeEach
    void setUp() throws Exception {
        local = new TestBlobStore(SECRET);
        other = new TestBlobStore(SECRET);
        path = "/internal/v2/droplets/app-1/" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(DROPLET));
        local.blobs.put(path, DROPLET);
        other.blobs.put(path, DROPLET);
        controllers.put("node-2", other.base());
        controllers.put("node-1", local.base());
    }

    @AfterEach
    void tearDown() {
        local.close();
        other.close();
    }

    private DropletCache cache() {
        return new DropletCache(dir, () -> SECRET, () -> controllers, "node-1", Duration.ofSeconds(5));
    }

    @Test
    void theControllerOnTheDeasOwnNodeIsAskedFirst() throws Exception {
        Path file = cache().get(path);

        assertArrayEquals(DROPLET, Files.readAllBytes(file));
        assertEquals(1, local.requests.get());
        assertEquals(0, other.requests.get(), "the other controller is not needed");
    }

    @Test
    void aControllerThatIsDownIsPassedOver() throws Exception {
        controllers.put("node-1", "http://127.0.0.1:" + freePort());

        assertArrayEquals(DROPLET, Files.readAllBytes(cache().get(path)));
        assertEquals(1, other.requests.get());
    }

    @Test
    void aControllerAnswering5xxIsPassedOver() throws Exception {
        local.failWith = 503;

        assertArrayEquals(DROPLET, Files.readAllBytes(cache().get(path)));
        assertEquals(1, local.requests.get());
        assertEquals(1, other.requests.get());
    }

    @Test
    void aControllerSendingOtherBytesIsPassedOverAndNothingWrongIsCached() throws Exception {
        local.blobs.put(path, "cut off".getBytes(StandardCharsets.UTF_8));

        assertArrayEquals(DROPLET, Files.readAllBytes(cache().get(path)), "the SHA-256 check still holds");
        assertEquals(1, other.requests.get());
    }

    @Test
    void whenNoControllerCanSendItTheStartFailsWithTheReason() throws Exception {
        local.failWith = 500;
        other.failWith = 502;

        IOException e = assertThrows(IOException.class, () -> cache().get(path));
        assertTrue(e.getMessage().contains("2 tried"), e.getMessage());
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "no partial droplet is left behind");
        }
    }

    @Test
    void aNotFoundIsNotRetriedElsewhere() throws Exception {
        local.blobs.remove(path);

        assertThrows(IOException.class, () -> cache().get(path));
        assertEquals(0, other.requests.get(), "every controller serves the same blobs: 404 is the answer");
    }

    @Test
    void anAbsoluteUrlOfAnOlderControllerStillWorksAndFailsOverToTheOthers() throws Exception {
        local.failWith = 500;

        assertArrayEquals(DROPLET, Files.readAllBytes(cache().get(local.url(path))));
        assertEquals(1, other.requests.get());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
