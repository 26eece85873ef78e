package io.strato.role.stager;

import io.strato.api.app.BlobLocations;
import io.strato.api.app.InternalAuth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches packages from and stores droplets in the blob store, as a member of the cluster. Every live controller
 * serves every blob: the one on this node is asked first, then the others ({@link BlobLocations}); a controller
 * that cannot be reached, answers 5xx or times out is logged and the next one is tried.
 */
final class BlobClient {

    static final String PURPOSE = "blobstore";
    private static final Logger LOG = LoggerFactory.getLogger(BlobClient.class);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Supplier<String> clusterSecret;
    private final Supplier<Map<String, String>> controllers;
    private final String localNodeId;

    /**
     * @param controllers the controllers' blob store URLs by node id ({@code Channels.BLOBSTORE}), read on each call
     * @param localNodeId this node: its controller, if it has one, is asked first
     */
    BlobClient(Supplier<String> clusterSecret, Supplier<Map<String, String>> controllers, String localNodeId) {
        this.clusterSecret = clusterSecret;
        this.controllers = controllers;
        this.localNodeId = localNodeId;
    }

    /** Fetches the package at {@code url} (a blob path, or an absolute URL) into {@code target}. */
    void download(String url, Path target, Duration timeout) throws StagingFailure, InterruptedException {
        eachController(url, "download the app package", uri -> {
            HttpRequest request = request(uri, timeout).GET().build();
            HttpResponse<Path> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofFile(target));
            } catch (IOException e) {
                Files.deleteIfExists(target);
                throw new Unavailable(describe(e));
            }
            if (response.statusCode() != 200) {
                Files.deleteIfExists(target);
                String problem = "HTTP " + response.statusCode() + " from " + uri;
                if (BlobLocations.worthRetrying(response.statusCode())) {
                    throw new Unavailable(problem);
                }
                throw new StagingFailure("could not download the app package: " + problem);
            }
        });
    }

    /** Stores the droplet at {@code url} (a blob path, or an absolute URL). */
    void upload(Path file, String url, Duration timeout) throws StagingFailure, InterruptedException {
        eachController(url, "upload the droplet", uri -> {
            HttpRequest request = request(uri, timeout).header("Content-Type", "application/gzip")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)).build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new Unavailable(describe(e));
            }
            if (response.statusCode() / 100 != 2) {
                String problem = "HTTP " + response.statusCode() + " from " + uri;
                if (BlobLocations.worthRetrying(response.statusCode())) {
                    throw new Unavailable(problem);
                }
                throw new StagingFailure("the blob store refused the droplet: " + problem);
            }
        });
    }

    /** One controller could not serve now; another may. */
    private static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    @FunctionalInterface
    private interface Call {
        void at(URI uri) throws Unavailable, StagingFailure, IOException, InterruptedException;
    }

    private void eachController(String url, String what, Call call) throws StagingFailure, InterruptedException {
        List<BlobLocations.Location> places;
        try {
            places = BlobLocations.candidates(url, controllers.get(), localNodeId);
        } catch (IllegalArgumentException e) {
            throw new StagingFailure("not a valid blob store URL: " + url);
        }
        if (places.isEmpty()) {
            throw new StagingFailure("could not " + what + ": no controller is in the cluster");
        }
        String last = null;
        for (int i = 0; i < places.size(); i++) {
            BlobLocations.Location place = places.get(i);
            try {
                call.at(place.uri());
                return;
            } catch (Unavailable e) {
                last = e.getMessage();
                LOG.warn("Could not {} at {}: {}{}", what, place.describe(), e.getMessage(),
                        i + 1 < places.size() ? "; trying " + places.get(i + 1).describe() : "");
            } catch (IOException e) {
                throw new StagingFailure("could not " + what + " from " + place.uri() + ": " + describe(e), e);
            }
        }
        throw new StagingFailure("could not " + what + (places.size() == 1 ? " from " + places.get(0).uri()
                : " from any of the " + places.size() + " controllers") + ": " + last);
    }

    private HttpRequest.Builder request(URI uri, Duration timeout) {
        return HttpRequest.newBuilder(uri).timeout(timeout)
                .header(InternalAuth.HEADER, "Bearer " + InternalAuth.token(clusterSecret.get(), PURPOSE));
    }

    private static String describe(IOException e) {
        String what = e.getClass().getSimpleName();
        return e.getMessage() == null ? what : what + ": " + e.getMessage();
    }
}
