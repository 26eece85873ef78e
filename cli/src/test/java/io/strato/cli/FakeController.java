package io.strato.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 that answers the controller endpoints a test registers and
 * records every request it receives.
 */
final class FakeController implements AutoCloseable {

    record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    interface Handler {
        void handle(HttpExchange exchange, Request request) throws IOException;
    }

    private final HttpServer server;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeController() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::dispatch);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeController on(String method, String path, Handler handler) {
        handlers.put(method + " " + path, handler);
        return this;
    }

    FakeController json(String method, String path, int status, String body) {
        return on(method, path, (exchange, request) -> respond(exchange, status, body));
    }

    List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    static String resource(String guid, String entity) {
        return "{\"metadata\":{\"guid\":\"" + guid + "\",\"url\":\"/v2/x/" + guid + "\"},\"entity\":" + entity + "}";
    }

    static String page(String... resources) {
        return "{\"total_results\":" + resources.length + ",\"total_pages\":1,\"prev_url\":null,\"next_url\":null,"
                + "\"resources\":[" + String.join(",", resources) + "]}";
    }

    static String error(int code, String errorCode, String description) {
        return "{\"code\":" + code + ",\"description\":\"" + description + "\",\"error_code\":\"" + errorCode + "\"}";
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getQuery(), Map.copyOf(exchange.getRequestHeaders()), body);
        requests.add(request);
        Handler handler = handlers.get(request.method() + " " + request.path());
        if (handler == null) {
            respond(exchange, 404, error(10000, "CF-NotFound", "Unknown request " + request.method() + " " + request.path()));
            return;
        }
        handler.handle(exchange, request);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
