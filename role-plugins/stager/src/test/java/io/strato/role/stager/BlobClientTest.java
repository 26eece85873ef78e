package io.strato.role.stager;

import io.strato.testkit.TestBlobStore;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stager fetches packages from and stores droplets at whichever live controller can take them. */
class BlobClientTest {

    private static final String SECRET = "secret-for-blob-client-tests";
    private static final String PACKAGE = "/internal/v2/packages/app-1";
    private static final String DROPLETS = "/internal/v2/droplets/app-1";
    private static final byte[] ZIP = "zip bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private TestBlobStore local;
    private TestBlobStore other;
    private final Map<String, String> controllers = new LinkedHashMap<>();
    private BlobClient client;

    @BeforeEach
    void setUp() throws Exception {
        local = new TestBlobStore(SECRET);
        other = new TestBlobStore(SECRET);
        local.blobs.put(PACKAGE, ZIP);
        other.blobs.put(PACKAGE, ZIP);
        controllers.put("node-2", other.base());
        controllers.put("node-1", local.base());
        client = new BlobClient(() -> SECRET, () -> controllers, "node-1");
    }

    @AfterEach
    void tearDown() {
        local.close();
        other.close();
    }

    @Test
    void thePackageComesFromTheControllerOnTheStagersNodeFirst() throws Exception {
        Path target = dir.resolve("package.zip");
        client.download(PACKAGE, target, Duration.ofSeconds(5));

        assertArrayEquals(ZIP, Files.readAllBytes(target));
        assertEquals(0, other.requests.get());
    }

    @Test
    void aDownloadFailsOverFromAControllerThatIsDown() throws Exception {
        controllers.put("node-1", "http://127.0.0.1:" + freePort());
        Path target = dir.resolve("package.zip");
        client.download(PACKAGE, target, Duration.ofSeconds(5));

        assertArrayEquals(ZIP, Files.readAllBytes(target));
        assertEquals(1, other.requests.get());
    }

    @Test
    void aDownloadFailsOverFromAControllerAnswering5xx() throws Exception {
        local.failWith = 500;
        Path target = dir.resolve("package.zip");
        client.download(PACKAGE, target, Duration.ofSeconds(5));

        assertArrayEquals(ZIP, Files.readAllBytes(target));
    }

    @Test
    void theDropletUploadFailsOverToAnotherController() throws Exception {
        local.failWith = 503;
        Path droplet = Files.write(dir.resolve("droplet.tar.gz"), "droplet".getBytes(StandardCharsets.UTF_8));

        client.upload(droplet, DROPLETS, Duration.ofSeconds(5));

        assertArrayEquals(Files.readAllBytes(droplet), other.blobs.get(DROPLETS));
        assertFalse(local.blobs.containsKey(DROPLETS));
    }

    @Test
    void whenEveryControllerFailsStagingFailsNamingHowMany() throws Exception {
        local.failWith = 500;
        other.failWith = 500;
        Path droplet = Files.write(dir.resolve("droplet.tar.gz"), "droplet".getBytes(StandardCharsets.UTF_8));

        StagingFailure e = assertThrows(StagingFailure.class, () -> client.upload(droplet, DROPLETS, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("any of the 2 controllers"), e.getMessage());
        assertEquals(1, local.requests.get());
        assertEquals(1, other.requests.get());
    }

    @Test
    void aRefusalIsNotRetriedElsewhere() throws Exception {
        local.failWith = 403;

        assertThrows(StagingFailure.class, () -> client.download(PACKAGE, dir.resolve("p.zip"), Duration.ofSeconds(5)));
        assertEquals(0, other.requests.get());
        assertFalse(Files.exists(dir.resolve("p.zip")));
    }

    @Test
    void withoutAnyControllerTheReasonIsSaid() {
        controllers.clear();

        StagingFailure e = assertThrows(StagingFailure.class,
                () -> client.download(PACKAGE, dir.resolve("p.zip"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("no controller is in the cluster"), e.getMessage());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
