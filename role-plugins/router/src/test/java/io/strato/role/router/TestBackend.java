package io.strato.role.router;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An app instance for tests: answers its name, echoes POST bodies on /echo, sends a chunked body on
 * /stream, and on /slow one that takes {@link #SLOW_PARTS} pauses of {@link #SLOW_PAUSE_MS} ms, answers
 * requests to /hold only once {@link #releaseHeld} is called, starts a session on /login, and remembers what
 * each request looked like.
 */
final class TestBackend implements AutoCloseable {

    /** What the instance saw of one request. */
    record Seen(String path, Map<String, List<String>> headers, int remotePort) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(", ", values);
        }
    }

    static final int SLOW_PARTS = 6;
    static final long SLOW_PAUSE_MS = 400;

    final String name;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile CountDownLatch holdGate = new CountDownLatch(1);

    TestBackend(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        // taken before the request counts as seen: a release by whoever saw it frees this request
        CountDownLatch gate = holdGate;
        seen.add(new Seen(path, Map.copyOf(exchange.getRequestHeaders()), exchange.getRemoteAddress().getPort()));
        try (exchange; InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
            if (path.equals("/echo")) {
                exchange.sendResponseHeaders(200, 0); // 0: chunked
                in.transferTo(out);
                return;
            }
            in.readAllBytes();
            if (path.equals("/stream")) {
                exchange.sendResponseHeaders(200, 0);
                out.write("streamed".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/slow")) {
                exchange.sendResponseHeaders(200, 0);
                for (int i = 0; i < SLOW_PARTS; i++) {
                    sleep(SLOW_PAUSE_MS);
                    out.write(("part " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                return;
            }
            if (path.equals("/hold")) {
                await(gate);
            }
            if (path.equals("/login")) {
                exchange.getResponseHeaders().add("Set-Cookie", "JSESSIONID=" + name + "-session; Path=/; HttpOnly");
            }
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            out.write(body);
        }
    }

    /** Lets the requests waiting on /hold be answered; later ones wait for the next call. */
    void releaseHeld() {
        CountDownLatch gate = holdGate;
        holdGate = new CountDownLatch(1);
        gate.countDown();
    }

    private static void await(CountDownLatch gate) throws IOException {
        try {
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IOException("/hold was not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
