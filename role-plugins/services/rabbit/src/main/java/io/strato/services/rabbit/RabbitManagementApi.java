package io.strato.services.rabbit;

import io.strato.api.json.Json;
import io.strato.api.service.ServiceHealth;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An external RabbitMQ: the plugin runs no broker and manages virtual hosts, users and permissions through the
 * server's management HTTP API (the {@code rabbitmq_management} plugin) with an administrator's credentials.
 */
final class RabbitManagementApi implements RabbitBackend {

    private static final System.Logger LOG = System.getLogger(RabbitServicePlugin.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The broker gives a plugin's health 2 s. */
    private static final Duration HEALTH_TIMEOUT = Duration.ofMillis(1500);

    private final String host;
    private final int port;
    private final String api;
    private final String adminUser;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();

    RabbitManagementApi(String host, int port, String managementUrl, String adminUser, String adminPassword) {
        this.host = host;
        this.port = port;
        String base = managementUrl.isBlank() ? "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":15672" : managementUrl.trim();
        this.api = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api";
        URI.create(api); // a malformed managementUrl fails the activation, with the reason
        this.adminUser = adminUser;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((adminUser + ":" + adminPassword).getBytes(StandardCharsets.UTF_8));
        LOG.log(Level.INFO, "rabbit uses the external RabbitMQ at " + host + ":" + port + " (management API " + api + ", admin " + adminUser + ")");
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String description() {
        return "RabbitMQ message broker (AMQP 0-9-1)";
    }

    @Override
    public void createVirtualHost(String vhost) throws IOException {
        String path = "/vhosts/" + encode(vhost);
        if (send("GET", path, null, REQUEST_TIMEOUT).statusCode() != 404) {
            throw new IOException("virtual host " + vhost + " already exists on the RabbitMQ server at " + host + ":" + port);
        }
        try {
            expect(send("PUT", path, Map.of(), REQUEST_TIMEOUT), "create virtual host " + vhost);
        } catch (IOException e) {
            // the server may have created it after all (a timeout): leave nothing behind
            quietly(() -> send("DELETE", path, null, REQUEST_TIMEOUT));
            throw e;
        }
    }

    @Override
    public void createUser(String user, String password, String vhost) throws IOException {
        if (send("GET", "/vhosts/" + encode(vhost), null, REQUEST_TIMEOUT).statusCode() == 404) {
            throw new IOException("virtual host " + vhost + " does not exist on the RabbitMQ server at " + host + ":" + port);
        }
        try {
            expect(send("PUT", "/users/" + encode(user), Map.of("password", password, "tags", ""), REQUEST_TIMEOUT), "create user " + user);
            expect(send("PUT", "/permissions/" + encode(vhost) + "/" + encode(user), Map.of("configure", ".*", "write", ".*", "read", ".*"),
                    REQUEST_TIMEOUT), "allow user " + user + " on virtual host " + vhost);
        } catch (IOException e) {
            quietly(() -> send("DELETE", "/users/" + encode(user), null, REQUEST_TIMEOUT));
            throw e;
        }
    }

    /**
     * Deletes the user first, so that it cannot log in again, then closes its connections. RabbitMQ itself closes
     * a deleted user's connections (3.10 logs "Closing all connections from user ... because it's being deleted");
     * closing what management lists for the user covers servers that do not.
     */
    @Override
    public void deleteUser(String user) throws IOException {
        HttpResponse<String> deleted = send("DELETE", "/users/" + encode(user), null, REQUEST_TIMEOUT);
        if (deleted.statusCode() != 404) {
            expect(deleted, "delete user " + user);
        }
        int closed = closeConnections(user);
        if (closed > 0) {
            LOG.log(Level.INFO, "rabbit: closed " + closed + " connections of deleted user " + user);
        }
    }

    @Override
    public boolean deleteVirtualHost(String vhost) throws IOException {
        HttpResponse<String> permissions = send("GET", "/vhosts/" + encode(vhost) + "/permissions", null, REQUEST_TIMEOUT);
        if (permissions.statusCode() == 404) {
            return false;
        }
        expect(permissions, "list the users of virtual host " + vhost);
        for (Map<?, ?> permission : list(permissions.body())) {
            String user = String.valueOf(permission.get("user"));
            if (user.startsWith(RabbitServicePlugin.USER_PREFIX) && !user.equals(adminUser)) {
                HttpResponse<String> deleted = send("DELETE", "/users/" + encode(user), null, REQUEST_TIMEOUT);
                if (deleted.statusCode() != 404) {
                    expect(deleted, "delete user " + user);
                }
            }
        }
        // deleting a virtual host closes every connection to it
        HttpResponse<String> deleted = send("DELETE", "/vhosts/" + encode(vhost), null, REQUEST_TIMEOUT);
        if (deleted.statusCode() == 404) {
            return false;
        }
        expect(deleted, "delete virtual host " + vhost);
        return true;
    }

    @Override
    public ServiceHealth health() {
        String where = "RabbitMQ at " + host + ":" + port + " (management API " + api + ")";
        try {
            HttpResponse<String> response = send("GET", "/overview", null, HEALTH_TIMEOUT);
            expect(response, "read the overview");
            Map<?, ?> overview = object(response.body());
            Map<?, ?> totals = overview.get("object_totals") instanceof Map<?, ?> map ? map : Map.of();
            return ServiceHealth.up(where + " is up: RabbitMQ " + overview.get("rabbitmq_version") + " on " + overview.get("node") + ", "
                    + totals.get("connections") + " connections, " + totals.get("queues") + " queues");
        } catch (IOException e) {
            return ServiceHealth.down(where + " does not answer: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        // nothing runs here
    }

    /** Closes the user's connections that management lists (it lists a new one after its statistics interval, 5 s by default). */
    int closeConnections(String user) throws IOException {
        HttpResponse<String> listed = send("GET", "/connections?columns=name,user", null, REQUEST_TIMEOUT);
        expect(listed, "list connections");
        List<String> names = new ArrayList<>();
        for (Map<?, ?> connection : list(listed.body())) {
            if (user.equals(connection.get("user")) && connection.get("name") != null) {
                names.add(String.valueOf(connection.get("name")));
            }
        }
        for (String name : names) {
            HttpResponse<String> closed = send("DELETE", "/connections/" + encode(name), null, REQUEST_TIMEOUT,
                    "X-Reason", "the binding was removed");
            if (closed.statusCode() != 404) {
                expect(closed, "close connection " + name + " of user " + user);
            }
        }
        return names.size();
    }

    private HttpResponse<String> send(String method, String path, Object body, Duration timeout, String... headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(timeout)
                .header("Authorization", authorization).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new IOException(method + " " + api + path + " got no answer within " + timeout.toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw new IOException("cannot connect to " + api + ": " + (e.getMessage() == null ? "connection refused" : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + api + path, e);
        }
        if (response.statusCode() == 401) {
            throw new IOException("the RabbitMQ management API at " + api + " refused the credentials of admin user " + adminUser
                    + " (401); check adminUser and adminPassword in etc/io.strato.service.rabbit.cfg (the user needs the administrator tag)");
        }
        return response;
    }

    private static void expect(HttpResponse<String> response, String what) throws IOException {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String reason = response.body();
        try {
            Map<?, ?> error = Json.read(reason, Map.class);
            reason = String.valueOf(error.get("reason") != null ? error.get("reason") : error.get("error") != null ? error.get("error") : reason);
        } catch (IllegalArgumentException e) {
            // not JSON: the body as it is
        }
        throw new IOException("the RabbitMQ management API could not " + what + " (" + response.request().method() + " "
                + response.uri() + " answered " + status + (reason == null || reason.isBlank() ? "" : ": " + abbreviate(reason)) + ")");
    }

    private static Map<?, ?> object(String json) throws IOException {
        try {
            return Json.read(json, Map.class);
        } catch (IllegalArgumentException e) {
            throw new IOException("the RabbitMQ management API answered something that is not a JSON object: " + abbreviate(json), e);
        }
    }

    /** A JSON array of objects; anything else in it is skipped. */
    private static List<Map<?, ?>> list(String json) throws IOException {
        List<?> items;
        try {
            items = Json.read(json, List.class);
        } catch (IllegalArgumentException e) {
            throw new IOException("the RabbitMQ management API answered something that is not a JSON array: " + abbreviate(json), e);
        }
        List<Map<?, ?>> objects = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof Map<?, ?> map) {
                objects.add(map);
            }
        }
        return objects;
    }

    private static String abbreviate(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** Path segment encoding: the default virtual host "/" becomes %2F, a space %20. */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private interface Call {
        void run() throws IOException;
    }

    private static void quietly(Call cleanup) {
        try {
            cleanup.run();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "rabbit: cleanup after a failed call failed too: " + e.getMessage());
        }
    }
}
