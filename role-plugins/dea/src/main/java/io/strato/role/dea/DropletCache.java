package io.strato.role.dea;

import io.strato.api.app.BlobLocations;
import io.strato.api.app.InternalAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Droplets this DEA has fetched from the blob store, kept by their hash so that scaling an app up or
 * restarting it does not download it again. The blob store names a droplet by its SHA-256 (the last segment
 * of its path); a droplet so named is checked against it. Every live controller serves every droplet: the one on
 * this node is asked first, then the others ({@link BlobLocations}); a controller that cannot be reached, answers
 * 5xx, times out or sends bytes that do not match the hash is logged and the next one is tried.
 */
final class DropletCache {

    static final String PURPOSE = "blobstore";
    private static final int KEEP = 20;

    private static final Logger LOG = LoggerFactory.getLogger(DropletCache.class);

    private final Path dir;
    private final Supplier<String> clusterSecret;
    private final Supplier<Map<String, String>> controllers;
    private final String localNodeId;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param controllers the controllers' blob store URLs by node id ({@code Channels.BLOBSTORE}), read on each fetch
     * @param localNodeId this node: its controller, if it has one, is asked first
     * @param timeout     how long one controller may take to send a droplet before the next one is asked
     */
    DropletCache(Path dir, Supplier<String> clusterSecret, Supplier<Map<String, String>> controllers, String localNodeId,
                 Duration timeout) {
        this.dir = dir;
        this.clusterSecret = clusterSecret;
        this.controllers = controllers;
        this.localNodeId = localNodeId;
        this.timeout = timeout;
    }

    /** The droplet at {@code url} (a blob path, or an absolute URL), downloaded unless already here. */
    Path get(String url) throws IOException, InterruptedException {
        String version = url.substring(url.lastIndexOf('/') + 1);
        String key = cacheKey(url, version);
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            Path file = dir.resolve(key + ".tar.gz");
            if (Files.isRegularFile(file)) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
                return file;
            }
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, key, ".part");
            try {
                download(url, partial, version);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            trim();
            return file;
        }
    }

    private void download(String url, Path target, String version) throws IOException, InterruptedException {
        List<BlobLocations.Location> places;
        try {
            places = BlobLocations.candidates(url, controllers.get(), localNodeId);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a valid droplet URL: " + url);
        }
        if (places.isEmpty()) {
            throw new IOException("no controller is in the cluster to fetch the droplet " + url + " from");
        }
        IOException last = null;
        for (int i = 0; i < places.size(); i++) {
            BlobLocations.Location place = places.get(i);
            try {
                downloadFrom(place.uri(), target, version);
                return;
            } catch (Unavailable e) {
                last = e;
                LOG.warn("Could not fetch the droplet {} from {}: {}{}", url, place.describe(), e.getMessage(),
                        i + 1 < places.size() ? "; trying " + places.get(i + 1).describe() : "");
            }
        }
        throw new IOException(places.size() == 1 ? last.getMessage()
                : "no controller could send the droplet (" + places.size() + " tried); the last: " + last.getMessage());
    }

    /** This controller could not send the droplet now; another may. */
    private static final class Unavailable extends IOException {
        Unavailable(String message) {
            super(message);
        }
    }

    private void downloadFrom(URI uri, Path target, String version) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header(InternalAuth.HEADER, "Bearer " + InternalAuth.token(clusterSecret.get(), PURPOSE)).GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new Unavailable(describe(e) + " from " + uri);
        }
        try (InputStream body = response.body()) {
            if (BlobLocations.worthRetrying(response.statusCode())) {
                throw new Unavailable("HTTP " + response.statusCode() + " from " + uri);
            }
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + uri);
            }
            MessageDigest sha256 = sha256();
            try (DigestInputStream in = new DigestInputStream(body, sha256)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new Unavailable("the download from " + uri + " broke off: " + describe(e));
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (isSha256(version) && !actual.equalsIgnoreCase(version)) {
                throw new Unavailable("the droplet from " + uri + " has SHA-256 " + actual + ", not " + version);
            }
        }
    }

    private static String describe(IOException e) {
        String what = e.getClass().getSimpleName();
        return e.getMessage() == null ? what : what + ": " + e.getMessage();
    }

    /** Keeps the most recently used droplets only. */
    private void trim() throws IOException {
        List<Path> droplets;
        try (Stream<Path> files = Files.list(dir)) {
            droplets = files.filter(f -> f.getFileName().toString().endsWith(".tar.gz"))
                    .sorted(Comparator.comparing(DropletCache::modified).reversed()).toList();
        }
        for (Path old : droplets.subList(Math.min(KEEP, droplets.size()), droplets.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static String cacheKey(String url, String version) {
        if (version != null && version.matches("[A-Za-z0-9._-]{1,128}")) {
            return version;
        }
        return HexFormat.of().formatHex(sha256().digest(url.getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean isSha256(String version) {
        return version != null && version.matches("[0-9a-fA-F]{64}");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
