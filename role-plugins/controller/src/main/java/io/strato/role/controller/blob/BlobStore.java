package io.strato.role.controller.blob;

import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packages (uploaded zips), droplets (staged tar.gz) and the resource-match cache, in the controller's database,
 * which several controllers share: any controller serves a blob another one stored. A blob is named like a
 * path ({@code packages/<app>.zip}, {@code droplets/<app>/<sha256>.tgz}, {@code resources/<user>/<sha1>}) and
 * kept in chunks of {@value #CHUNK_BYTES} bytes, so that neither a write nor a read holds more than one chunk
 * in memory. A write is one transaction: a reader sees the old blob or the whole new one, and a write that fails
 * (a full disk, a dropped connection, a killed process) leaves the old one. Content that was replaced or deleted
 * stays readable for {@link #GRACE}, for downloads that were under way, and is then removed.
 * <p>
 * Uploads are received into temporary files under {@code <blobDir>/tmp} first, as before, because they are
 * validated as a whole before they are stored.
 */
public final class BlobStore {

    public static final int CHUNK_BYTES = 1024 * 1024;
    /** How long replaced content stays readable: longer than a DEA or stager waits for one download. */
    static final Duration GRACE = Duration.ofMinutes(15);
    /** Droplets kept per app: the current one and the one before, which old instances may still be fetching. */
    private static final int DROPLETS_KEPT = 2;
    private static final Pattern GUID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);

    /** One stored blob; {@link #open()} streams it a chunk at a time. */
    public final class Blob {
        private final String name;
        private final String contentId;
        private final long size;
        private final int chunks;

        private Blob(String name, String contentId, long size, int chunks) {
            this.name = name;
            this.contentId = contentId;
            this.size = size;
            this.chunks = chunks;
        }

        public String name() {
            return name;
        }

        public long size() {
            return size;
        }

        public InputStream open() {
            return new ChunkStream(this);
        }
    }

    private final DataSource dataSource;
    private final Path tmp;

    /** The blob store in {@code database}, with temporary files under {@code blobDir/tmp}. */
    public BlobStore(Database database, Path blobDir) throws StoreException {
        BlobSchema.apply(database);
        this.dataSource = database.dataSource();
        this.tmp = blobDir.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store's temporary directory " + tmp, e);
        }
        sweep();
    }

    /** Where uploads are written before they are stored. */
    public Path tempDirectory() {
        return tmp;
    }

    /** A new empty file for an upload; the caller deletes it. */
    public Path tempFile() throws IOException {
        return Files.createTempFile(tmp, "upload-", ".part");
    }

    public Optional<Blob> packageOf(String appGuid) {
        return find(packageName(appGuid));
    }

    /** Replaces the app's package with {@code validated}. */
    public void storePackage(String appGuid, Path validated) throws IOException {
        String name = packageName(appGuid);
        try (InputStream in = Files.newInputStream(validated)) {
            write(in, "SHA-256", hash -> name, true, System.currentTimeMillis());
        }
        sweep();
    }

    /**
     * Stores a droplet from a stream, under its SHA-256, and keeps the app's {@value #DROPLETS_KEPT} newest.
     *
     * @return its SHA-256, hex
     * @throws BlobWriteException when the database cannot take it
     */
    public String storeDroplet(String appGuid, InputStream in) throws IOException {
        String app = checked(appGuid, GUID);
        String hash = write(in, "SHA-256", h -> dropletName(app, h), true, System.currentTimeMillis());
        pruneDroplets(app);
        sweep();
        return hash;
    }

    public Optional<Blob> droplet(String appGuid, String hash) {
        if (hash == null || !HASH.matcher(hash).matches() || appGuid == null || !GUID.matcher(appGuid).matches()) {
            return Optional.empty();
        }
        return find(dropletName(appGuid, hash));
    }

    /** Removes every blob of the app. */
    public void deleteApp(String appGuid) throws IOException {
        String app = checked(appGuid, GUID);
        List<String> names = new ArrayList<>(names("droplets/" + app + "/%"));
        names.add(packageName(app));
        discard(names);
        sweep();
    }

    public static String sha256Hex(Path file) throws IOException {
        MessageDigest sha = digest("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The blob of this name, if stored. */
    Optional<Blob> find(String name) {
        String sql = "SELECT content_id, size, chunks FROM ctl_blobs WHERE name = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Blob(name, rs.getString(1), rs.getLong(2), rs.getInt(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the blob store cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a blob in one transaction: its chunks under a new content id, then its name pointed at them.
     *
     * @param algorithm the digest computed while it streams; {@code nameOf} gets it (hex) and names the blob
     * @param replace   whether an existing blob of that name is replaced; if not, the existing one is kept
     * @return the digest, hex
     * @throws BlobWriteException when the database cannot take it; an {@link IOException} of {@code in} as it is
     */
    String write(InputStream in, String algorithm, Function<String, String> nameOf, boolean replace, long storedAt)
            throws IOException {
        MessageDigest digest = digest(algorithm);
        String contentId = UUID.randomUUID().toString();
        String name = null;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                byte[] buffer = new byte[CHUNK_BYTES];
                long size = 0;
                int chunks = 0;
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO ctl_blob_chunks (content_id, seq, data) VALUES (?, ?, ?)")) {
                    int n;
                    while ((n = in.readNBytes(buffer, 0, CHUNK_BYTES)) > 0) {
                        digest.update(buffer, 0, n);
                        ps.setString(1, contentId);
                        ps.setInt(2, chunks++);
                        ps.setBinaryStream(3, new ByteArrayInputStream(buffer, 0, n), n);
                        ps.executeUpdate();
                        size += n;
                    }
                }
                String hash = HexFormat.of().formatHex(digest.digest());
                name = nameOf.apply(hash);
                if (point(c, name, contentId, size, chunks, replace, storedAt)) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return hash;
            } catch (SQLException | IOException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new BlobWriteException(new IOException("the database could not store "
                    + (name == null ? "a blob" : name) + ": " + e.getMessage(), e));
        }
    }

    /** Points {@code name} at the new content, listing the old content as garbage. @return false to keep the old */
    private static boolean point(Connection c, String name, String contentId, long size, int chunks, boolean replace,
                                 long storedAt) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            Optional<String> old = contentOf(c, name);
            if (old.isPresent() && !replace) {
                return false;
            }
            // a failed statement aborts a PostgreSQL transaction: only back to here
            java.sql.Savepoint before = c.setSavepoint();
            try {
                if (old.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO ctl_blobs (name, content_id, size, chunks,"
                            + " stored_at) VALUES (?, ?, ?, ?, ?)")) {
                        ps.setString(1, name);
                        ps.setString(2, contentId);
                        ps.setLong(3, size);
                        ps.setInt(4, chunks);
                        ps.setLong(5, storedAt);
                        ps.executeUpdate();
                    }
                    return true;
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE ctl_blobs SET content_id = ?, size = ?, chunks = ?,"
                        + " stored_at = ? WHERE name = ? AND content_id = ?")) {
                    ps.setString(1, contentId);
                    ps.setLong(2, size);
                    ps.setInt(3, chunks);
                    ps.setLong(4, storedAt);
                    ps.setString(5, name);
                    ps.setString(6, old.get());
                    if (ps.executeUpdate() == 1) {
                        garbage(c, old.get());
                        return true;
                    }
                }
            } catch (SQLException e) {
                // another controller stored the same name at the same moment: look again
                if (!"23505".equals(e.getSQLState()) || attempt >= 3) {
                    throw e;
                }
                c.rollback(before);
            }
            if (attempt >= 3) {
                throw new SQLException("the blob " + name + " kept changing while it was stored");
            }
        }
    }

    private static Optional<String> contentOf(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT content_id FROM ctl_blobs WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static void garbage(Connection c, String contentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ctl_blob_garbage (content_id, since) VALUES (?, ?)")) {
            ps.setString(1, contentId);
            ps.setLong(2, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    /** Keeps the app's newest droplets. */
    private void pruneDroplets(String appGuid) throws IOException {
        List<String> all = names("droplets/" + appGuid + "/%");
        if (all.size() > DROPLETS_KEPT) {
            discard(all.subList(DROPLETS_KEPT, all.size()));
        }
    }

    /** Names matching a LIKE pattern, newest first. */
    private List<String> names(String like) {
        String sql = "SELECT name FROM ctl_blobs WHERE name LIKE ? ORDER BY stored_at DESC, name";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, like);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("the blob store cannot list " + like + ": " + e.getMessage(), e);
        }
    }

    /** Removes the names; their content becomes garbage. */
    private void discard(List<String> names) throws IOException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (String name : names) {
                    Optional<String> content = contentOf(c, name);
                    if (content.isPresent()) {
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ctl_blobs WHERE name = ?")) {
                            ps.setString(1, name);
                            ps.executeUpdate();
                        }
                        garbage(c, content.get());
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new BlobWriteException(new IOException("the database could not delete " + names + ": "
                    + e.getMessage(), e));
        }
    }

    /**
     * Removes content that was replaced or deleted more than {@link #GRACE} ago, one content id at a time through
     * the primary key, so that it never waits on the rows of a write under way.
     */
    void sweep() {
        long before = System.currentTimeMillis() - GRACE.toMillis();
        try (Connection c = dataSource.getConnection()) {
            List<String> expired = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT content_id FROM ctl_blob_garbage WHERE since < ?")) {
                ps.setLong(1, before);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expired.add(rs.getString(1));
                    }
                }
            }
            for (String contentId : expired) {
                c.setAutoCommit(false);
                try (PreparedStatement chunks = c.prepareStatement("DELETE FROM ctl_blob_chunks WHERE content_id = ?");
                     PreparedStatement listed = c.prepareStatement("DELETE FROM ctl_blob_garbage WHERE content_id = ?")) {
                    chunks.setString(1, contentId);
                    chunks.executeUpdate();
                    listed.setString(1, contentId);
                    listed.executeUpdate();
                    c.commit();
                } catch (SQLException e) {
                    rollback(c);
                    throw e;
                }
            }
        } catch (SQLException e) {
            LOG.warn("Could not remove replaced blobs from the database (tried again on the next write): {}",
                    e.getMessage());
        }
    }

    private byte[] chunk(String contentId, int seq) throws IOException {
        String sql = "SELECT data FROM ctl_blob_chunks WHERE content_id = ? AND seq = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, contentId);
            ps.setInt(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IOException("the blob was removed while it was read (chunk " + seq + " is gone)");
                }
                try (InputStream data = rs.getBinaryStream(1)) {
                    return data.readAllBytes();
                }
            }
        } catch (SQLException e) {
            throw new IOException("the database could not read a blob: " + e.getMessage(), e);
        }
    }

    /** A blob's content, one chunk in memory at a time. */
    private final class ChunkStream extends InputStream {
        private final Blob blob;
        private byte[] current = new byte[0];
        private int position;
        private int next;

        ChunkStream(Blob blob) {
            this.blob = blob;
        }

        private boolean fill() throws IOException {
            while (position >= current.length) {
                if (next >= blob.chunks) {
                    return false;
                }
                current = chunk(blob.contentId, next++);
                position = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? current[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    }

    static String packageName(String appGuid) {
        return "packages/" + checked(appGuid, GUID) + ".zip";
    }

    static String dropletName(String appGuid, String hash) {
        return "droplets/" + appGuid + "/" + hash + ".tgz";
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone: the database drops the transaction itself
        }
    }

    static String checked(String name, Pattern pattern) {
        if (name == null || !pattern.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid blob name: " + name);
        }
        return name;
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is unavailable", e);
        }
    }
}
