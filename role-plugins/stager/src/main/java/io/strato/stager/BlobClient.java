package io.strato.stager;

import io.strato.api.app.InternalAuth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/** Fetches packages from and stores droplets in the controller's blob store, as a member of the cluster. */
final class BlobClient {

    static final String PURPOSE = "blobstore";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Supplier<String> clusterSecret;

    BlobClient(Supplier<String> clusterSecret) {
        this.clusterSecret = clusterSecret;
    }

    void download(String url, Path target, Duration timeout) throws StagingFailure, InterruptedException {
        HttpRequest request = request(url, timeout).GET().build();
        try {
            HttpResponse<Path> response = http.send(request, HttpResponse.BodyHandlers.ofFile(target));
            if (response.statusCode() != 200) {
                Files.deleteIfExists(target);
                throw new StagingFailure("could not download the app package: HTTP " + response.statusCode()
                        + " from " + url);
            }
        } catch (IOException e) {
            throw new StagingFailure("could not download the app package from " + url + ": " + describe(e), e);
        }
    }

    void upload(Path file, String url, Duration timeout) throws StagingFailure, InterruptedException {
        try {
            HttpRequest request = request(url, timeout).header("Content-Type", "application/gzip")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new StagingFailure("the blob store refused the droplet: HTTP " + response.statusCode()
                        + " from " + url);
            }
        } catch (IOException e) {
            throw new StagingFailure("could not upload the droplet to " + url + ": " + describe(e), e);
        }
    }

    private HttpRequest.Builder request(String url, Duration timeout) throws StagingFailure {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new StagingFailure("not a valid blob store URL: " + url);
        }
        return HttpRequest.newBuilder(uri).timeout(timeout)
                .header(InternalAuth.HEADER, "Bearer " + InternalAuth.token(clusterSecret.get(), PURPOSE));
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
