package io.strato.role.router;

import io.strato.api.app.Channels;
import io.strato.api.app.RouteEntry;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.SharedMap;
import io.strato.api.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The router end to end: real sockets on 127.0.0.1, apps played by small HTTP servers. */
class RouterServerTest {

    private static final String APP = "app.strato.test";

    private final LocalSharedState state = new LocalSharedState();
    private final SharedMap routes = state.map(Channels.ROUTES);
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private RouterServer router;

    @BeforeEach
    void startRouter() {
        router = new RouterServer(new RouterConfig(0, "127.0.0.1", 1000, 30), routes);
        router.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        router.close();
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        state.close();
    }

    @Test
    void routesByHostAndRoundRobinsAcrossInstances() throws Exception {
        List<TestBackend> instances = List.of(backend("a"), backend("b"), backend("c"));
        for (int i = 0; i < 3; i++) {
            register(APP, instances.get(i).port(), "instance-" + i, i);
        }
        TestBackend other = backend("other");
        register("other.strato.test", other.port(), "other-0", 0);

        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            // Host names are case-insensitive and the port the client used does not matter.
            String host = i % 2 == 0 ? APP : "APP.Strato.Test:" + router.port();
            hits.merge(get(host, "/").body(), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 3, "b", 3, "c", 3), hits);
        assertTrue(other.seen.isEmpty(), "another host's instance got traffic");
        assertEquals("other", get("other.strato.test", "/").body());
    }

    @Test
    void unknownHostGetsGorouters404() throws Exception {
        HttpResponse<String> response = get("nothing.strato.test:" + router.port(), "/x");
        assertEquals(404, response.statusCode());
        assertEquals("404 Not Found: Requested route ('nothing.strato.test') does not exist.\n", response.body());
        assertEquals("unknown_route", response.headers().firstValue("X-Cf-RouterError").orElse(null));
    }

    @Test
    void deadInstanceGets502() throws Exception {
        register(APP, freePort(), "dead-0", 0);
        HttpResponse<String> response = get(APP, "/");
        assertEquals(502, response.statusCode());
        assertEquals("502 Bad Gateway: Registered endpoint failed to handle the request.\n", response.body());
        assertEquals("endpoint_failure", response.headers().firstValue("X-Cf-RouterError").orElse(null));
    }

    @Test
    void instanceThatHangsUpWithoutAnsweringGets502() throws Exception {
        ServerSocket rude = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeLater.add(rude);
        Thread acceptor = new Thread(() -> {
            while (!rude.isClosed()) {
                try (Socket s = rude.accept()) {
                    s.getInputStream().read(new byte[1024]);
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        register(APP, rude.getLocalPort(), "rude-0", 0);

        HttpResponse<String> response = get(APP, "/");
        assertEquals(502, response.statusCode());
        assertEquals("endpoint_failure", response.headers().firstValue("X-Cf-RouterError").orElse(null));
    }

    @Test
    void refusedConnectionIsRetriedOnAnotherInstance() throws Exception {
        TestBackend live = backend("live");
        register(APP, freePort(), "dead-0", 0);
        register(APP, freePort(), "dead-1", 1);
        register(APP, live.port(), "live-2", 2);
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = get(APP, "/");
            assertEquals(200, response.statusCode(), "request " + i);
            assertEquals("live", response.body());
        }
        assertEquals(6, live.seen.size());
    }

    @Test
    void forwardingHeadersAndRequestIdReachTheInstance() throws Exception {
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);

        HttpResponse<String> first = send(HttpRequest.newBuilder(routerUri("/"))
                .header("Host", APP + ":" + router.port())
                .header("X-Forwarded-For", "203.0.113.7").build());
        TestBackend.Seen seen = app.seen.get(0);
        assertEquals("203.0.113.7, 127.0.0.1", seen.header("X-forwarded-for"));
        assertEquals("http", seen.header("X-forwarded-proto"));
        assertEquals(APP + ":" + router.port(), seen.header("X-forwarded-host"));
        String generated = seen.header("X-vcap-request-id");
        assertTrue(generated.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), generated);
        assertEquals(generated, first.headers().firstValue("X-Vcap-Request-Id").orElse(null));

        HttpResponse<String> second = send(HttpRequest.newBuilder(routerUri("/")).header("Host", APP)
                .header("X-Vcap-Request-Id", "req-from-upstream").build());
        assertEquals("req-from-upstream", app.seen.get(1).header("X-vcap-request-id"));
        assertEquals("req-from-upstream", second.headers().firstValue("X-Vcap-Request-Id").orElse(null));
    }

    @Test
    void sessionsStickToTheirInstanceWhileItLives() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        register(APP, a.port(), "instance-a", 0);
        register(APP, b.port(), "instance-b", 1);

        // No session, no affinity cookie.
        assertTrue(get(APP, "/").headers().allValues("Set-Cookie").isEmpty());

        HttpResponse<String> login = get(APP, "/login");
        String stuckTo = login.body();
        String vcapId = login.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("__VCAP_ID__=")).findFirst().orElseThrow();
        assertEquals("__vcap_id__=instance-" + stuckTo + "; path=/; httponly", vcapId.toLowerCase());

        String cookie = "JSESSIONID=" + stuckTo + "-session; __VCAP_ID__=instance-" + stuckTo;
        for (int i = 0; i < 6; i++) {
            assertEquals(stuckTo, send(HttpRequest.newBuilder(routerUri("/")).header("Host", APP)
                    .header("Cookie", cookie).build()).body());
        }

        // The instance goes away: the client lands elsewhere and is told its new instance.
        routes.remove(APP + "|instance-" + stuckTo);
        HttpResponse<String> moved = send(HttpRequest.newBuilder(routerUri("/")).header("Host", APP)
                .header("Cookie", cookie).build());
        String survivor = stuckTo.equals("a") ? "b" : "a";
        assertEquals(survivor, moved.body());
        assertEquals(List.of("__VCAP_ID__=instance-" + survivor + "; Path=/; HTTPOnly"), moved.headers().allValues("Set-Cookie"));
    }

    @Test
    void webSocketMessagesGoThroughBothWays() throws Exception {
        WebSocketEchoBackend echo = new WebSocketEchoBackend();
        closeLater.add(echo);
        // java.net.http names the host from the URI, so this route is for "localhost".
        register("localhost", echo.port(), "ws-0", 0);

        List<String> received = new ArrayList<>();
        CompletableFuture<Void> gotAll = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://localhost:" + router.port() + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            received.add(partial.toString());
                            partial.setLength(0);
                            if (received.size() == 2) {
                                gotAll.complete(null);
                            }
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        String big = "x".repeat(200_000);
        ws.sendText("hello through the router", true).get(5, TimeUnit.SECONDS);
        ws.sendText(big, true).get(5, TimeUnit.SECONDS);
        gotAll.get(10, TimeUnit.SECONDS);
        assertEquals("hello through the router", received.get(0));
        assertEquals(big.length(), received.get(1).length());
        assertTrue(big.equals(received.get(1)), "the large message came back altered");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }

    @Test
    void removedOrExpiredRoutesStopAtOnce() throws Exception {
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);
        TestBackend shortLived = backend("short");
        RouteEntry expiring = new RouteEntry("short.strato.test", "127.0.0.1", shortLived.port(), "guid", "short-0", 0);
        routes.put(expiring.key(), Json.write(expiring), Duration.ofMillis(400));

        assertEquals(200, get(APP, "/").statusCode());
        assertEquals(200, get("short.strato.test", "/").statusCode());

        routes.remove(APP + "|app-0");
        assertEquals(404, get(APP, "/").statusCode());

        // Nobody refreshes the short-lived route: it must go without anyone removing it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int status;
        do {
            Thread.sleep(100);
            status = get("short.strato.test", "/").statusCode();
        } while (status != 404 && System.nanoTime() < deadline);
        assertEquals(404, status);
    }

    @Test
    void oneBackendConnectionServesManyRequestsOfAKeptAliveClient() throws Exception {
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);
        try (Socket client = new Socket("127.0.0.1", router.port())) {
            client.setSoTimeout(5000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            for (int i = 0; i < 5; i++) {
                out.write(("GET /" + i + " HTTP/1.1\r\nHost: " + APP + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("app", readResponseBody(in));
            }
        }
        assertEquals(5, app.seen.size());
        Set<Integer> backendConnections = app.seen.stream().map(TestBackend.Seen::remotePort).collect(Collectors.toSet());
        assertEquals(1, backendConnections.size(), "backend connections used: " + backendConnections);
    }

    @Test
    void idleBackendConnectionsAreKeptUpToTheConfiguredNumberAndReused() throws Exception {
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);
        restartRouter(new RouterConfig(0, "127.0.0.1", 1000, 30, 1, 2, RouterConfig.DEFAULT_HEAD_TIMEOUT_SECONDS));
        Set<Integer> first = heldRequests(app, 4);
        Set<Integer> second = heldRequests(app, 4);
        assertEquals(4, first.size(), "one backend connection per request in flight: " + first);
        assertEquals(2, intersection(first, second).size(), "reused: " + first + " then " + second);

        restartRouter(new RouterConfig(0, "127.0.0.1", 1000, 30, 1,
                RouterConfig.DEFAULT_MAX_IDLE_CONNECTIONS_PER_INSTANCE, RouterConfig.DEFAULT_HEAD_TIMEOUT_SECONDS));
        first = heldRequests(app, 4);
        second = heldRequests(app, 4);
        assertEquals(first, second, "every connection of the first burst serves the second");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        register("a.strato.test", a.port(), "a-0", 0);
        register("b.strato.test", b.port(), "b-0", 0);
        try (Socket client = new Socket("127.0.0.1", router.port())) {
            client.setSoTimeout(5000);
            StringBuilder burst = new StringBuilder();
            for (String host : List.of("a.strato.test", "b.strato.test", "gone.strato.test", "a.strato.test")) {
                burst.append("GET / HTTP/1.1\r\nHost: ").append(host).append("\r\n\r\n");
            }
            client.getOutputStream().write(burst.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            assertEquals("a", readResponseBody(in));
            assertEquals("b", readResponseBody(in));
            assertEquals("404 Not Found: Requested route ('gone.strato.test') does not exist.\n", readResponseBody(in));
            assertEquals("a", readResponseBody(in));
        }
    }

    @Test
    void largeChunkedBodiesStreamBothWays() throws Exception {
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(42).nextBytes(body);
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(routerUri("/echo")).header("Host", APP)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("chunked", app.seen.get(0).header("Transfer-encoding"));
        assertEquals("chunked", response.headers().firstValue("Transfer-Encoding").orElse(null));
        assertArrayEquals(body, response.body());
    }

    @Test
    void http10ClientGetsAChunkedAnswerAsPlainBytesEndedByClose() throws Exception {
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);
        try (Socket client = new Socket("127.0.0.1", router.port())) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(("GET /stream HTTP/1.0\r\nHost: " + APP + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
            assertFalse(answer.toLowerCase().contains("transfer-encoding"), answer);
            assertTrue(answer.endsWith("\r\n\r\nstreamed"), answer);
        }
    }

    @Test
    void headAnswerHasNoBodyAndTheConnectionGoesOn() throws Exception {
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);
        try (Socket client = new Socket("127.0.0.1", router.port())) {
            client.setSoTimeout(5000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(("HEAD / HTTP/1.1\r\nHost: " + APP + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            // Nothing may follow the headers: the next bytes must be the answer to the next request.
            out.write(("GET / HTTP/1.1\r\nHost: " + APP + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("app", readResponseBody(in));
        }
    }

    @Test
    void expectContinueUploadsReachTheInstance() throws Exception {
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);
        HttpResponse<String> response = send(HttpRequest.newBuilder(routerUri("/echo")).header("Host", APP)
                .expectContinue(true).POST(HttpRequest.BodyPublishers.ofString("after continue")).build());
        assertEquals(200, response.statusCode());
        assertEquals("after continue", response.body());
        assertEquals("100-continue", app.seen.get(0).header("Expect").toLowerCase());
    }

    @Test
    void instanceThatNeverAnswersGets502AfterTheIdleTimeout() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeLater.add(silent);
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept()); // keep it open, say nothing
                }
            } catch (IOException e) {
                accepted.forEach(s -> {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                });
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        router.close();
        router = new RouterServer(new RouterConfig(0, "127.0.0.1", 1000, 1), routes);
        router.start();
        register(APP, silent.getLocalPort(), "silent-0", 0);

        long start = System.nanoTime();
        HttpResponse<String> response = get(APP, "/");
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(502, response.statusCode());
        assertEquals("endpoint_failure", response.headers().firstValue("X-Cf-RouterError").orElse(null));
        assertTrue(waitedMs >= 900 && waitedMs < 5000, "answered after " + waitedMs + " ms");
    }

    @Test
    void anAnswerThatKeepsComingIsNotCutByTheIdleTimeout() throws Exception {
        restartRouterWithIdleTimeoutSeconds(1);
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);
        // the answer takes longer than the idle timeout, though its parts never pause that long
        assertTrue(TestBackend.SLOW_PARTS * TestBackend.SLOW_PAUSE_MS > 2000);
        HttpResponse<String> response = get(APP, "/slow");
        assertEquals(200, response.statusCode());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < TestBackend.SLOW_PARTS; i++) {
            expected.append("part ").append(i).append('\n');
        }
        assertEquals(expected.toString(), response.body());
    }

    @Test
    void anIdleKeptAliveClientConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        restartRouterWithIdleTimeoutSeconds(1);
        TestBackend app = backend("app");
        register(APP, app.port(), "app-0", 0);
        try (Socket client = new Socket("127.0.0.1", router.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + APP + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            assertEquals("app", readResponseBody(in));
            assertEquals(-1, in.read(), "the router closes the connection once it has been idle");
        }
    }

    // --- helpers ---

    private void restartRouterWithIdleTimeoutSeconds(int seconds) {
        restartRouter(new RouterConfig(0, "127.0.0.1", 1000, seconds));
    }

    private void restartRouter(RouterConfig config) {
        router.close();
        router = new RouterServer(config, routes);
        router.start();
    }

    /**
     * Sends {@code n} requests to /hold at once, each from a client connection of its own, lets the app answer
     * them all once it holds them all, and returns the ports of the backend connections they came on.
     */
    private Set<Integer> heldRequests(TestBackend app, int n) throws Exception {
        int before = app.seen.size();
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Socket client = new Socket("127.0.0.1", router.port());
                clients.add(client);
                client.setSoTimeout(5000);
                client.getOutputStream().write(("GET /hold HTTP/1.1\r\nHost: " + APP + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (app.seen.size() < before + n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            app.releaseHeld();
            for (Socket client : clients) {
                assertEquals("app", readResponseBody(client.getInputStream()));
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        return app.seen.subList(before, app.seen.size()).stream().map(TestBackend.Seen::remotePort)
                .collect(Collectors.toSet());
    }

    private static Set<Integer> intersection(Set<Integer> a, Set<Integer> b) {
        Set<Integer> both = new HashSet<>(a);
        both.retainAll(b);
        return both;
    }

    private TestBackend backend(String name) throws IOException {
        TestBackend b = new TestBackend(name);
        closeLater.add(b);
        return b;
    }

    private void register(String host, int port, String instanceId, int index) {
        RouteEntry entry = new RouteEntry(host, "127.0.0.1", port, "app-guid", instanceId, index);
        routes.put(entry.key(), Json.write(entry), Channels.OWNED_TTL);
    }

    private URI routerUri(String path) {
        return URI.create("http://127.0.0.1:" + router.port() + path);
    }

    private HttpResponse<String> get(String host, String path) throws Exception {
        return send(HttpRequest.newBuilder(routerUri(path)).header("Host", host).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Reads the status line and headers of one response from a raw connection. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed; got " + head);
            }
            head.append((char) c);
        }
        return head.toString();
    }

    /** Reads one response with a Content-Length from a raw connection and returns its body. */
    private static String readResponseBody(InputStream in) throws IOException {
        String headers = readHead(in);
        assertFalse(headers.toLowerCase().contains("connection: close"), headers);
        int length = Arrays.stream(headers.split("\r\n")).filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElseThrow();
        byte[] body = in.readNBytes(length);
        return new String(body, StandardCharsets.UTF_8);
    }
}
