package io.strato.testkit;

import com.sun.net.httpserver.HttpServer;
import io.strato.api.app.InternalAuth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's blob store as a stager or a DEA sees it: GET packages and droplets, PUT droplets, the
 * bearer token ({@link InternalAuth}, audience {@code blobstore}) checked on every request.
 */
public final class TestBlobStore implements AutoCloseable {

    /** The blobs by path, as stored by PUT and served by GET. */
    public final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    /** Requests received, whatever their answer. */
    public final AtomicInteger requests = new AtomicInteger();
    /** When not 0, every request is answered with this status (a controller that cannot serve). */
    public volatile int failWith;
    private final HttpServer server;

    public TestBlobStore(String secret) throws IOException {
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

    /** The base URL, {@code http://127.0.0.1:port}. */
    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The URL of {@code path} on this store. */
    public String url(String path) {
        return base() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
