package io.strato.role.controller.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the blobs a controller kept on its own disk (before blobs lived in the database) into the blob store:
 * {@code packages/<app>.zip}, {@code droplets/<app>/<sha256>.tgz} and {@code resources/<user>/<xx>/<sha1>} under
 * the blob directory. Each file is deleted once it is stored, so this happens once; a file that cannot be stored
 * stays for the next start. A blob the database has already (another controller moved it) is kept as it is
 * there. Droplets keep their age, so the newest stay the newest.
 */
public final class BlobDirectoryImport {

    /** What was moved. */
    public record Moved(int packages, int droplets, int resources, long bytes, int failed) {
        public int total() {
            return packages + droplets + resources;
        }
    }

    private static final Pattern GUID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final Logger LOG = LoggerFactory.getLogger(BlobDirectoryImport.class);

    private final BlobStore store;
    private int failed;
    private long bytes;

    public BlobDirectoryImport(BlobStore store) {
        this.store = store;
    }

    /** Moves what {@code blobDir} holds into the store, and logs what it did. */
    public Moved run(Path blobDir) {
        int packages = 0;
        int droplets = 0;
        int resources = 0;
        for (Path zip : files(blobDir.resolve("packages"))) {
            String name = zip.getFileName().toString();
            String app = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : "";
            if (GUID.matcher(app).matches() && move(zip, "SHA-256", h -> BlobStore.packageName(app))) {
                packages++;
            }
        }
        for (Path appDir : files(blobDir.resolve("droplets"))) {
            String app = appDir.getFileName().toString();
            for (Path tgz : files(appDir)) {
                if (GUID.matcher(app).matches() && tgz.getFileName().toString().endsWith(".tgz")
                        && move(tgz, "SHA-256", h -> BlobStore.dropletName(app, h))) {
                    droplets++;
                }
            }
        }
        for (Path userDir : files(blobDir.resolve("resources"))) {
            String user = userDir.getFileName().toString();
            for (Path prefix : files(userDir)) {
                for (Path file : files(prefix)) {
                    if (GUID.matcher(user).matches() && SHA1.matcher(file.getFileName().toString()).matches()
                            && move(file, "SHA-1", h -> "resources/" + user + "/" + h)) {
                        resources++;
                    }
                }
            }
        }
        for (String emptied : List.of("packages", "droplets", "resources")) {
            removeEmptyDirectories(blobDir.resolve(emptied));
        }
        Moved moved = new Moved(packages, droplets, resources, bytes, failed);
        if (moved.total() > 0 || failed > 0) {
            LOG.info("Moved {} package(s), {} droplet(s) and {} resource-match file(s) ({} MB) from {} into the cluster"
                            + " database, where every controller serves them; {} holds only temporary files now{}",
                    packages, droplets, resources, bytes / (1024 * 1024), blobDir, blobDir,
                    failed > 0 ? "; " + failed + " file(s) could not be moved and stay for the next start" : "");
        }
        return moved;
    }

    private boolean move(Path file, String algorithm, Function<String, String> nameOf) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            long size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                store.write(in, algorithm, nameOf, false, Files.getLastModifiedTime(file).toMillis());
            }
            Files.delete(file);
            bytes += size;
            return true;
        } catch (java.nio.file.NoSuchFileException movedByAnother) {
            // a blob directory several controllers shared: another one moved this file just now
            return false;
        } catch (IOException | RuntimeException e) {
            failed++;
            LOG.warn("Could not move the blob {} into the cluster database: {}", file, e.getMessage());
            return false;
        }
    }

    private static List<Path> files(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        } catch (IOException e) {
            LOG.warn("Could not list {} to move its blobs into the cluster database: {}", dir, e.getMessage());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static void removeEmptyDirectories(Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path dir : all.sorted(Comparator.reverseOrder()).filter(Files::isDirectory).toList()) {
                try (Stream<Path> left = Files.list(dir)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                }
            }
        } catch (IOException e) {
            // an empty directory left behind does no harm
        }
    }
}
