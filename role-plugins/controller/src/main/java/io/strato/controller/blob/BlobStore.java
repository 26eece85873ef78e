package io.strato.controller.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Packages (uploaded zips) and droplets (staged tar.gz) on disk:
 * {@code packages/<app>.zip} and {@code droplets/<app>/<sha256>.tgz}. Every write goes to {@code tmp/} first
 * and is moved into place atomically, so a reader never sees half a file and a failed write leaves the old
 * file as it was.
 */
public final class BlobStore {

    /** Droplets kept per app: the current one and the one before, which old instances may still be fetching. */
    private static final int DROPLETS_KEPT = 2;
    private static final Pattern GUID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final Path packages;
    private final Path droplets;
    private final Path tmp;

    public BlobStore(Path root) {
        this.packages = root.resolve("packages");
        this.droplets = root.resolve("droplets");
        this.tmp = root.resolve("tmp");
        try {
            Files.createDirectories(packages);
            Files.createDirectories(droplets);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store under " + root, e);
        }
    }

    /** A new empty file on the blob store's file system; the caller deletes it if it does not store it. */
    /** Where uploads are written before they are moved into place. */
    public Path tempDirectory() {
        return tmp;
    }

    public Path tempFile() throws IOException {
        return Files.createTempFile(tmp, "upload-", ".part");
    }

    public Optional<Path> packageOf(String appGuid) {
        Path p = packages.resolve(checked(appGuid, GUID) + ".zip");
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Replaces the app's package with {@code validated} (a file from {@link #tempFile()}). */
    public void storePackage(String appGuid, Path validated) throws IOException {
        move(validated, packages.resolve(checked(appGuid, GUID) + ".zip"));
    }

    /** Stores a droplet from a stream. @return its SHA-256, hex */
    public String storeDroplet(String appGuid, InputStream in) throws IOException {
        Path dir = droplets.resolve(checked(appGuid, GUID));
        Files.createDirectories(dir);
        Path temp = tempFile();
        try {
            MessageDigest sha = sha256();
            try (InputStream digesting = new DigestInputStream(in, sha); OutputStream out = Files.newOutputStream(temp)) {
                digesting.transferTo(out);
            }
            String hash = HexFormat.of().formatHex(sha.digest());
            Path target = dir.resolve(hash + ".tgz");
            move(temp, target);
            Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis()));
            pruneDroplets(dir);
            return hash;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public Optional<Path> droplet(String appGuid, String hash) {
        if (hash == null || !HASH.matcher(hash).matches() || !GUID.matcher(appGuid).matches()) {
            return Optional.empty();
        }
        Path p = droplets.resolve(appGuid).resolve(hash + ".tgz");
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Removes every blob of the app. */
    public void deleteApp(String appGuid) throws IOException {
        Files.deleteIfExists(packages.resolve(checked(appGuid, GUID) + ".zip"));
        Path dir = droplets.resolve(appGuid);
        if (Files.isDirectory(dir)) {
            for (Path p : files(dir)) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    public static String sha256Hex(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private void pruneDroplets(Path dir) throws IOException {
        List<Path> all = files(dir);
        all.sort(Comparator.comparing(BlobStore::modified).reversed());
        for (Path old : all.subList(Math.min(DROPLETS_KEPT, all.size()), all.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        }
        return out;
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String checked(String name, Pattern pattern) {
        if (name == null || !pattern.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid blob name: " + name);
        }
        return name;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
