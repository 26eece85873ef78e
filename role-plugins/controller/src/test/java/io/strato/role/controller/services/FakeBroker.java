package io.strato.role.controller.services;

import io.strato.api.service.ServiceOffering;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.strato.api.app.Channels;
import io.strato.api.app.InternalAuth;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's broker as the controller sees it: the Open Service Broker calls over HTTP, checked for the cluster
 * token, with "filesystem" and "postgresql" credentials made up from the ids. Plan "failing" fails.
 */
public final class FakeBroker implements AutoCloseable {

    /** Instance id → label, of the instances provisioned and not deprovisioned. */
    public final Map<String, String> instances = new ConcurrentHashMap<>();
    /** Instance id → the parameters it was provisioned with. */
    public final Map<String, JsonNode> parameters = new ConcurrentHashMap<>();
    /** Binding id → instance id. */
    public final Map<String, String> bindings = new ConcurrentHashMap<>();
    /** Binding id → the body of its bind request. */
    public final Map<String, JsonNode> bindRequests = new ConcurrentHashMap<>();
    public final String url;
    private final HttpServer server;
    private final String secret;

    public FakeBroker(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/broker/v2/service_instances/", this::handle);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/broker";
    }

    /** Puts this broker's plugins in the cluster catalog, as node-1's broker would. */
    public void advertise(SharedState shared) {
        shared.map(Channels.BROKER_CATALOG).put("node-1|filesystem", Json.write(new ServiceOffering("node-1", url,
                "filesystem", "1.0", "directories", List.of("filesystem"),
                List.of(new ServiceOffering.Plan("free", "a directory", true),
                        new ServiceOffering.Plan("failing", "never works", true)), null)), Duration.ofMinutes(5));
        shared.map(Channels.BROKER_CATALOG).put("node-1|postgresql", Json.write(new ServiceOffering("node-1", url,
                "postgresql", "14", "databases", List.of("relational", "sql"),
                List.of(new ServiceOffering.Plan("free", "a database", true)), null)), Duration.ofMinutes(5));
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            if (!InternalAuth.verify(secret, "broker", x.getRequestHeaders().getFirst("Authorization"))
                    || x.getRequestHeaders().getFirst("X-Broker-API-Version") == null) {
                reply(x, 401, Map.of());
                return;
            }
            String[] path = x.getRequestURI().getPath().substring("/broker/v2/service_instances/".length()).split("/");
            String instance = path[0];
            boolean binding = path.length == 3;
            String method = x.getRequestMethod();
            if (method.equals("PUT") && !binding) {
                JsonNode body = Json.mapper().readTree(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (body.path("plan_id").asText().equals("failing")) {
                    reply(x, 500, Map.of("description", "the disk is full"));
                    return;
                }
                instances.put(instance, body.path("service_id").asText());
                parameters.put(instance, body.path("parameters"));
                reply(x, 201, Map.of());
            } else if (method.equals("DELETE") && !binding) {
                reply(x, instances.remove(instance) == null ? 410 : 200, Map.of());
            } else if (method.equals("PUT")) {
                bindRequests.put(path[2], Json.mapper().readTree(
                        new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                bindings.put(path[2], instance);
                reply(x, 201, Map.of("credentials", credentials(instance)));
            } else {
                reply(x, bindings.remove(path[2]) == null ? 410 : 200, Map.of());
            }
        }
    }

    /** Adds a harbor service to the catalog, as a node with the harbor role would. */
    public void advertiseHarbor(SharedState shared) {
        shared.map(Channels.BROKER_CATALOG).put("node-1|harbor", Json.write(new ServiceOffering("node-1", url, "harbor",
                "1.0", "ports", List.of("harbor"), List.of(new ServiceOffering.Plan("free", "a port", true)), null)),
                Duration.ofMinutes(5));
    }

    private Map<String, Object> credentials(String instance) {
        if ("harbor".equals(instances.get(instance))) {
            return Map.of("uri", "tcp://10.0.0.5:41000", "name", instance, "hostname", "10.0.0.5", "port", 41000,
                    "harbor_port", 41000);
        }
        if ("filesystem".equals(instances.get(instance))) {
            return Map.of("uri", "file:///data/fs/" + instance, "name", instance, "hostname", "127.0.0.1", "port", 0,
                    "dir", "/data/fs/" + instance);
        }
        return Map.of("uri", "postgres://u:p@127.0.0.1:5432/db_" + instance, "name", "db_" + instance,
                "hostname", "127.0.0.1", "port", 5432, "username", "u", "password", "p");
    }

    private static void reply(HttpExchange x, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
