package io.strato.role.controller.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.store.Database;
import io.strato.api.store.Dialect;
import io.strato.api.store.StoreException;
import io.strato.role.controller.Sql;
import io.strato.testkit.DerbyDatabase;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two controllers' blob stores on one database, as several controllers share one. */
class BlobStoreTest {

    private static final String APP = "0f5c9e0a-1111-4a5b-9c3d-000000000001";
    private static final String USER = "7d1e2f3a-2222-4b5c-8d4e-000000000002";

    private final Path dir = Path.of("target", "fixtures", UUID.randomUUID().toString());
    private DerbyDatabase database;
    /** When above 0, the chunk insert after this many fails as a full disk would. */
    private final AtomicInteger chunksUntilDiskFull = new AtomicInteger(-1);
    private BlobStore a;
    private BlobStore b;

    @BeforeEach
    void setUp() throws Exception {
        database = new DerbyDatabase(dir.resolve("db"));
        a = new BlobStore(failing(database), dir.resolve("controller-a"));
        b = new BlobStore(database, dir.resolve("controller-b"));
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void aPackageStoredThroughOneControllerIsServedByTheOther() throws Exception {
        byte[] zip = random(2 * BlobStore.CHUNK_BYTES + 12345);
        a.storePackage(APP, Files.write(a.tempFile(), zip));

        BlobStore.Blob stored = b.packageOf(APP).orElseThrow();
        assertEquals(zip.length, stored.size());
        try (InputStream in = stored.open()) {
            assertArrayEquals(zip, in.readAllBytes());
        }
    }

    @Test
    void aDropletIsNamedByItsSha256AndServedByEitherController() throws Exception {
        byte[] droplet = random(BlobStore.CHUNK_BYTES);
        String hash = b.storeDroplet(APP, new ByteArrayInputStream(droplet));

        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(droplet)), hash);
        try (InputStream in = a.droplet(APP, hash).orElseThrow().open()) {
            assertArrayEquals(droplet, in.readAllBytes());
        }
        assertTrue(a.droplet(APP, "0".repeat(64)).isEmpty());
        assertTrue(a.droplet(APP, "../../etc/passwd").isEmpty());
    }

    @Test
    void theTwoNewestDropletsOfAnAppAreKept() throws Exception {
        String first = a.storeDroplet(APP, stream("one"));
        Thread.sleep(5);
        String second = b.storeDroplet(APP, stream("two"));
        Thread.sleep(5);
        String third = a.storeDroplet(APP, stream("three"));

        assertTrue(b.droplet(APP, first).isEmpty(), "the oldest is gone");
        assertTrue(b.droplet(APP, second).isPresent());
        assertTrue(b.droplet(APP, third).isPresent());
    }

    @Test
    void aWriteThatFailsOnAFullDiskKeepsTheOldBlobAndLeavesNothingBehind() throws Exception {
        byte[] old = random(BlobStore.CHUNK_BYTES + 10);
        a.storePackage(APP, Files.write(a.tempFile(), old));
        int chunksBefore = chunks();

        chunksUntilDiskFull.set(2);
        Path bigger = Files.write(a.tempFile(), random(3 * BlobStore.CHUNK_BYTES));
        assertThrows(BlobWriteException.class, () -> a.storePackage(APP, bigger),
                "a 502 for the client, not a broken upload");

        try (InputStream in = b.packageOf(APP).orElseThrow().open()) {
            assertArrayEquals(old, in.readAllBytes());
        }
        assertEquals(chunksBefore, chunks(), "the chunks written before the failure were rolled back");
    }

    @Test
    void aDropletUploadThatBreaksOffKeepsTheAppsDroplets() throws Exception {
        String kept = a.storeDroplet(APP, stream("good"));
        InputStream breaksOff = new FilterInputStream(new ByteArrayInputStream(random(3 * BlobStore.CHUNK_BYTES))) {
            private int read;

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (read > 2 * BlobStore.CHUNK_BYTES) {
                    throw new IOException("the stager went away");
                }
                int n = super.read(buf, off, len);
                read += Math.max(n, 0);
                return n;
            }
        };

        assertThrows(IOException.class, () -> a.storeDroplet(APP, breaksOff));

        assertTrue(b.droplet(APP, kept).isPresent());
        assertEquals(1, new Sql(database.dataSource()).count("SELECT COUNT(*) FROM ctl_blobs"));
    }

    @Test
    void replacedContentStaysReadableForDownloadsUnderWayThenGoes() throws Exception {
        a.storePackage(APP, Files.write(a.tempFile(), "v1".getBytes(StandardCharsets.UTF_8)));
        BlobStore.Blob v1 = b.packageOf(APP).orElseThrow();
        a.storePackage(APP, Files.write(a.tempFile(), "v2".getBytes(StandardCharsets.UTF_8)));

        try (InputStream in = v1.open()) {
            assertEquals("v1", new String(in.readAllBytes(), StandardCharsets.UTF_8), "a reader of v1 finishes");
        }
        new Sql(database.dataSource()).update("UPDATE ctl_blob_garbage SET since = since - ?", BlobStore.GRACE.toMillis() + 1);
        a.sweep();
        assertThrows(IOException.class, () -> v1.open().readAllBytes());
        try (InputStream in = b.packageOf(APP).orElseThrow().open()) {
            assertEquals("v2", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void deletingAnAppRemovesItsBlobsForEveryController() throws Exception {
        a.storePackage(APP, Files.write(a.tempFile(), "zip".getBytes(StandardCharsets.UTF_8)));
        String droplet = a.storeDroplet(APP, stream("droplet"));

        b.deleteApp(APP);

        assertTrue(a.packageOf(APP).isEmpty());
        assertTrue(a.droplet(APP, droplet).isEmpty());
    }

    @Test
    void theResourceCacheIsSharedButEachUserSeesOnlyItsOwnFiles() throws Exception {
        byte[] file = random((int) ResourceCache.MIN_SIZE + 1);
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(file));
        new ResourceCache(a).keep(USER, file.length, new ByteArrayInputStream(file));

        ResourceCache other = new ResourceCache(b);
        assertTrue(other.has(USER, sha1, file.length), "matched through the other controller");
        assertFalse(other.has(USER, sha1, file.length + 1), "a size that differs is no match");
        assertFalse(other.has("another-user", sha1, file.length), "another user knowing the hash gets nothing");
        try (InputStream in = other.find(USER, sha1).orElseThrow().open()) {
            assertArrayEquals(file, in.readAllBytes());
        }
        new ResourceCache(b).keep(USER, 10, new ByteArrayInputStream(new byte[10]));
        assertEquals(1, new Sql(database.dataSource()).count("SELECT COUNT(*) FROM ctl_blobs"), "small files are not kept");
    }

    @Test
    void blobsOfAnOlderInstallationAreMovedIntoTheDatabaseOnce() throws Exception {
        Path old = dir.resolve("old-blobs");
        byte[] zip = "old package".getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(old.resolve("packages"));
        Files.write(old.resolve("packages").resolve(APP + ".zip"), zip);
        byte[][] droplets = {"older droplet".getBytes(StandardCharsets.UTF_8), "newer droplet".getBytes(StandardCharsets.UTF_8)};
        String[] hashes = new String[2];
        for (int i = 0; i < 2; i++) {
            hashes[i] = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(droplets[i]));
            Path f = old.resolve("droplets").resolve(APP).resolve(hashes[i] + ".tgz");
            Files.createDirectories(f.getParent());
            Files.write(f, droplets[i]);
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        byte[] resource = random((int) ResourceCache.MIN_SIZE);
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(resource));
        Path r = old.resolve("resources").resolve(USER).resolve(sha1.substring(0, 2)).resolve(sha1);
        Files.createDirectories(r.getParent());
        Files.write(r, resource);
        Files.createDirectories(old.resolve("tmp"));

        BlobStore store = new BlobStore(database, old);
        BlobDirectoryImport.Moved moved = new BlobDirectoryImport(store).run(old);

        assertEquals(new BlobDirectoryImport.Moved(1, 2, 1, zip.length + droplets[0].length + droplets[1].length
                + resource.length, 0), moved);
        try (InputStream in = b.packageOf(APP).orElseThrow().open()) {
            assertArrayEquals(zip, in.readAllBytes());
        }
        assertTrue(b.droplet(APP, hashes[0]).isPresent());
        assertTrue(new ResourceCache(b).has(USER, sha1, resource.length));
        try (var left = Files.list(old)) {
            assertEquals(List.of(old.resolve("tmp")), left.toList(), "only the temporary directory is left");
        }
        assertEquals(0, new BlobDirectoryImport(store).run(old).total(), "nothing is moved twice");

        // the droplets kept their age: a new one pushes out the older of the two
        String newest = b.storeDroplet(APP, stream("newest"));
        assertTrue(b.droplet(APP, hashes[0]).isEmpty());
        assertTrue(b.droplet(APP, hashes[1]).isPresent());
        assertTrue(b.droplet(APP, newest).isPresent());
    }

    private int chunks() {
        return new Sql(database.dataSource()).count("SELECT COUNT(*) FROM ctl_blob_chunks");
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    /** The database, except that chunk inserts fail once {@link #chunksUntilDiskFull} runs out. */
    private Database failing(Database real) {
        DataSource ds = real.dataSource();
        DataSource failing = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{DataSource.class},
                (p, m, args) -> {
                    Object result = invoke(ds, m, args);
                    return m.getName().equals("getConnection") ? connection((Connection) result) : result;
                });
        return new Database() {
            @Override
            public DataSource dataSource() {
                return failing;
            }

            @Override
            public int migrate(String component, List<String> statements) throws StoreException {
                return real.migrate(component, statements);
            }

            @Override
            public String location() {
                return real.location();
            }

            @Override
            public Dialect dialect() {
                return real.dialect();
            }
        };
    }

    private Connection connection(Connection real) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                (p, m, args) -> {
                    Object result = invoke(real, m, args);
                    if (m.getName().equals("prepareStatement") && ((String) args[0]).startsWith("INSERT INTO ctl_blob_chunks")) {
                        PreparedStatement ps = (PreparedStatement) result;
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{PreparedStatement.class},
                                (p2, m2, args2) -> {
                                    if (m2.getName().equals("executeUpdate") && chunksUntilDiskFull.get() >= 0
                                            && chunksUntilDiskFull.getAndDecrement() == 0) {
                                        throw new SQLException("No space left on device", "XSDG1");
                                    }
                                    return invoke(ps, m2, args2);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
