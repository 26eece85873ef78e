package io.strato.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * HTTP to one controller: JSON in and out, bearer token on every call that has one, Cloud Foundry
 * error bodies turned into {@link ApiError}, and network failures into exit code 2.
 */
public final class ApiClient {

    public static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /** Gets a new access token after the controller refused the current one; null when it cannot. */
    @FunctionalInterface
    public interface TokenRefresher {
        String refresh();
    }

    private final String target;
    private volatile String token;
    private final TokenRefresher refresher;
    private boolean refreshed;
    private final HttpClient http;

    public ApiClient(String target, String token) {
        this(target, token, null);
    }

    public ApiClient(String target, String token, TokenRefresher refresher) {
        this.target = stripTrailingSlash(target);
        this.token = token;
        this.refresher = refresher;
        // HTTP/1.1 keeps chunked log streams simple and avoids h2c upgrade attempts on plain http.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public String target() {
        return target;
    }

    public String token() {
        return token;
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Resolves a path such as {@code /v2/apps} or a next_url against the target; absolute URLs pass through. */
    public URI uri(String pathOrUrl) {
        if (pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")) {
            return URI.create(pathOrUrl);
        }
        return URI.create(target + (pathOrUrl.startsWith("/") ? "" : "/") + pathOrUrl);
    }

    public ApiResponse get(String path) {
        return send(request(path).GET().build());
    }

    public ApiResponse post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(toJson(body))).build());
    }

    public ApiResponse put(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(toJson(body))).build());
    }

    public ApiResponse delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** Posts an urlencoded form with an explicit Authorization header (the OAuth token call). */
    public ApiResponse postForm(String url, Map<String, String> form, String authorization) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(uri(url))
                .timeout(CALL_TIMEOUT)
                .header("Accept", "application/json")
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return send(request);
    }

    /** Every resource of a paged list, following next_url until the last page. */
    public List<JsonNode> list(String path) {
        List<JsonNode> resources = new ArrayList<>();
        String next = path;
        while (next != null) {
            JsonNode page = get(next).body();
            page.path("resources").forEach(resources::add);
            JsonNode nextUrl = page.path("next_url");
            next = nextUrl.isTextual() && !nextUrl.asText().isEmpty() ? nextUrl.asText() : null;
        }
        return resources;
    }

    public HttpRequest.Builder request(String pathOrUrl) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(pathOrUrl))
                .timeout(CALL_TIMEOUT)
                .header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "bearer " + token);
        }
        return builder;
    }

    public ApiResponse send(HttpRequest request) {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401 && refreshToken()) {
            response = exchange(withCurrentToken(request), HttpResponse.BodyHandlers.ofString());
        }
        failUnlessOk(response.statusCode(), response.body(), request.uri());
        return new ApiResponse(response.statusCode(), parse(response.body()), response.headers());
    }

    /**
     * Opens a long-lived response (staging log, followed app logs) without a read timeout. The
     * caller closes the stream.
     */
    public InputStream stream(String pathOrUrl) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(pathOrUrl)).GET();
        if (token != null) {
            builder.header("Authorization", "bearer " + token);
        }
        HttpRequest request = builder.build();
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 401 && refreshToken()) {
            closeQuietly(response.body());
            request = withCurrentToken(request);
            response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        }
        if (response.statusCode() >= 300) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            failUnlessOk(response.statusCode(), body, request.uri());
        }
        return response.body();
    }

    /** Asks the refresher once for a new token after a 401; later 401s are final. */
    private synchronized boolean refreshToken() {
        if (refresher == null || token == null || refreshed) {
            return false;
        }
        refreshed = true;
        String fresh = refresher.refresh();
        if (fresh == null || fresh.equals(token)) {
            return false;
        }
        token = fresh;
        return true;
    }

    private HttpRequest withCurrentToken(HttpRequest request) {
        return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Authorization"))
                .header("Authorization", "bearer " + token)
                .build();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // The refused response's body is of no use.
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw CliError.unreachable(target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError("Interrupted");
        }
    }

    private static void failUnlessOk(int status, String body, URI uri) {
        if (status < 300) {
            return;
        }
        JsonNode error = parse(body);
        String errorCode = error.path("error_code").isTextual() ? error.path("error_code").asText() : null;
        if (status == 401) {
            throw new ApiError(status, errorCode, CliError.notLoggedIn().getMessage());
        }
        if (status == 404 && "CF-NotFound".equals(errorCode)) {
            // CF's answer for a path it has no endpoint for, as opposed to CF-AppNotFound and the like.
            throw new ApiError(status, errorCode, "The controller has no endpoint " + uri.getPath()
                    + ": it is older than this client; update the controller");
        }
        String description = error.path("description").asText("");
        if (description.isEmpty()) {
            description = "HTTP " + status + " from " + uri.getPath();
        }
        throw new ApiError(status, errorCode, description + (errorCode == null ? "" : " (" + errorCode + ")"));
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static String toJson(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialise request body", e);
        }
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
