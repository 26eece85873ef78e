package io.strato.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * HTTP to one controller: JSON in and out, bearer token on every call that has one, Cloud Foundry
 * error bodies turned into {@link ApiError}, and network failures into exit code 2.
 */
public final class ApiClient {

    public static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_REDIRECTS = 5;

    /** Gets a new access token after the controller refused the current one; null when it cannot. */
    @FunctionalInterface
    public interface TokenRefresher {
        String refresh();
    }

    private final String target;
    private volatile String token;
    private final TokenRefresher refresher;
    private boolean refreshed;

    public ApiClient(String target, String token) {
        this(target, token, null);
    }

    public ApiClient(String target, String token, TokenRefresher refresher) {
        this.target = stripTrailingSlash(target);
        this.token = token;
        this.refresher = refresher;
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
        return send(new Call("GET", uri(path)));
    }

    public ApiResponse post(String path, Object body) {
        return send(new Call("POST", uri(path)).json(toJson(body)));
    }

    public ApiResponse put(String path, Object body) {
        return send(new Call("PUT", uri(path)).json(toJson(body)));
    }

    public ApiResponse delete(String path) {
        return send(new Call("DELETE", uri(path)));
    }

    /** Posts an urlencoded form with an explicit Authorization header (the OAuth token call). */
    public ApiResponse postForm(String url, Map<String, String> form, String authorization) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        Call call = new Call("POST", uri(url)).body("application/x-www-form-urlencoded",
                body.getBytes(StandardCharsets.UTF_8));
        call.authorization = authorization;
        return send(call);
    }

    /**
     * Sends a body of {@code length} bytes that {@code body} opens (again, should the token have to be renewed),
     * with no read timeout but {@code timeout}.
     */
    public ApiResponse upload(String method, String path, String contentType, long length, Body body, Duration timeout) {
        Call call = new Call(method, uri(path));
        call.contentType = contentType;
        call.length = length;
        call.body = body;
        call.timeout = timeout;
        return send(call);
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

    private ApiResponse send(Call call) {
        Answer answer = exchange(call);
        if (answer.status == 401 && call.authorization == null && refreshToken()) {
            answer.discard();
            answer = exchange(call);
        }
        String body = answer.text();
        failUnlessOk(answer.status, body, call.uri);
        return new ApiResponse(answer.status, parse(body), answer.headers);
    }

    /**
     * Opens a long-lived response (staging log, followed app logs) without a read timeout. The
     * caller closes the stream.
     */
    public InputStream stream(String pathOrUrl) {
        Call call = new Call("GET", uri(pathOrUrl));
        call.accept = null;
        call.timeout = Duration.ZERO;
        Answer answer = exchange(call);
        if (answer.status == 401 && refreshToken()) {
            answer.discard();
            answer = exchange(call);
        }
        if (answer.status >= 300) {
            failUnlessOk(answer.status, answer.text(), call.uri);
        }
        return answer.body;
    }

    /** A request body that can be opened more than once. */
    @FunctionalInterface
    public interface Body {
        InputStream open() throws IOException;
    }

    /** One request: sent again as it is after a renewed token or a redirect. */
    private static final class Call {
        private String method;
        private URI uri;
        private String accept = "application/json";
        private String authorization;
        private String contentType;
        private long length = -1;
        private Body body;
        private Duration timeout = CALL_TIMEOUT;

        Call(String method, URI uri) {
            this.method = method;
            this.uri = uri;
        }

        Call json(String json) {
            return body("application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        Call body(String type, byte[] bytes) {
            contentType = type;
            length = bytes.length;
            body = () -> new ByteArrayInputStream(bytes);
            return this;
        }
    }

    /** A response whose body is still to be read: the error stream for statuses of 400 and more. */
    private record Answer(int status, Map<String, List<String>> headers, InputStream body) {
        String text() {
            try (InputStream in = body) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        void discard() {
            text();
        }
    }

    /**
     * Sends the call with {@link HttpURLConnection}: it needs no thread of its own, and none left waiting in
     * the kernel holds the JVM's exit up (with the JDK's HttpClient, its selector thread made every command
     * wait 0.3 s to exit), nor does it set up TLS before a plain http call. Redirects are followed as
     * {@code HttpClient.Redirect.NORMAL} does: never from https to http.
     */
    private Answer exchange(Call call) {
        URI uri = call.uri;
        String method = call.method;
        boolean withBody = call.body != null;
        try {
            for (int redirects = 0; ; redirects++) {
                HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
                c.setInstanceFollowRedirects(false);
                c.setUseCaches(false);
                c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
                c.setReadTimeout((int) call.timeout.toMillis());
                c.setRequestMethod(method);
                if (call.accept != null) {
                    c.setRequestProperty("Accept", call.accept);
                }
                String authorization = call.authorization != null ? call.authorization
                        : token != null ? "bearer " + token : null;
                if (authorization != null) {
                    c.setRequestProperty("Authorization", authorization);
                }
                if (withBody) {
                    c.setDoOutput(true);
                    c.setRequestProperty("Content-Type", call.contentType);
                    c.setFixedLengthStreamingMode(call.length);
                    try (InputStream in = call.body.open(); OutputStream out = c.getOutputStream()) {
                        in.transferTo(out);
                    }
                }
                int status = c.getResponseCode();
                String location = c.getHeaderField("Location");
                if (status >= 300 && status < 400 && status != 304 && location != null && redirects < MAX_REDIRECTS) {
                    URI next = uri.resolve(location);
                    if ("https".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                        return answer(c, status);
                    }
                    drain(c, status);
                    if (status == 303 || ((status == 301 || status == 302) && method.equals("POST"))) {
                        method = "GET";
                        withBody = false;
                    }
                    uri = next;
                    continue;
                }
                return answer(c, status);
            }
        } catch (IOException e) {
            throw CliError.unreachable(target, e);
        }
    }

    private static Answer answer(HttpURLConnection c, int status) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        c.getHeaderFields().forEach((name, values) -> {
            if (name != null) {
                headers.put(name, values);
            }
        });
        InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
        return new Answer(status, headers, body == null ? InputStream.nullInputStream() : body);
    }

    /** Reads a response to its end, so its connection is kept for the next call. */
    private static void drain(HttpURLConnection c, int status) {
        try {
            answer(c, status).discard();
        } catch (IOException ignored) {
            // a connection that cannot be reused is simply not
        }
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
