package io.strato.dea;

import io.strato.api.app.InternalAuth;

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
 * of its URL); a droplet so named is checked against it.
 */
final class DropletCache {

    static final String PURPOSE = "blobstore";
    private static final int KEEP = 20;

    private final Path dir;
    private final Supplier<String> clusterSecret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    DropletCache(Path dir, Supplier<String> clusterSecret) {
        this.dir = dir;
        this.clusterSecret = clusterSecret;
    }

    /** The droplet file at {@code url}, downloaded unless already here. */
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
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                    .header(InternalAuth.HEADER, "Bearer " + InternalAuth.token(clusterSecret.get(), PURPOSE)).GET()
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IOException("not a valid droplet URL: " + url);
        }
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + url);
            }
            MessageDigest sha256 = sha256();
            try (DigestInputStream in = new DigestInputStream(body, sha256)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (isSha256(version) && !actual.equalsIgnoreCase(version)) {
                throw new IOException("the droplet from " + url + " has SHA-256 " + actual + ", not " + version);
            }
        }
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
