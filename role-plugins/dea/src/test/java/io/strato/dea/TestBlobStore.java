package io.strato.dea;

import com.sun.net.httpserver.HttpServer;
import io.strato.api.app.InternalAuth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The controller's blob store as far as a DEA sees it: GET droplets, bearer token checked. */
final class TestBlobStore implements AutoCloseable {

    final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    /** Requests received, whatever their answer. */
    final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    /** When not 0, every request is answered with this status (a controller that cannot serve). */
    volatile int failWith;
    private final HttpServer server;

    TestBlobStore(String secret) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.incrementAndGet();
            if (failWith != 0) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(failWith, -1);
            } else if (!InternalAuth.verify(secret, "blobstore", exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(403, -1);
            } else if (exchange.getRequestMethod().equals("PUT")) {
                blobs.put(path, exchange.getRequestBody().readAllBytes());
                exchange.sendResponseHeaders(201, -1);
            } else if (blobs.containsKey(path)) {
                byte[] body = blobs.get(path);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
