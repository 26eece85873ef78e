package io.strato.role.router;

import io.strato.api.app.Channels;
import io.strato.api.app.RouteEntry;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.SharedMap;
import io.strato.api.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile clients and hostile app instances against the router's HTTP handling: smuggled requests, split
 * answers and kept-alive connections knocked out of step must all fail. Clients are raw sockets; the instance
 * is a raw server that records every byte each connection brings and answers with scripted bytes.
 */
class RouterHostileInputTest {

    private static final String APP = "app.strato.test";
    private static final int TIMEOUT_MS = 3000;
    /** A well-formed request sent right behind each refused one, on the same connection. */
    private static final String AFTER = "GET /after HTTP/1.1\r\nHost: " + APP + "\r\n\r\n";
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: " + APP + "\r\n\r\n";
    private static final String CHUNKED_BODY = "5\r\nhello\r\n0\r\n\r\n";
    private static final Pattern SUCCESS = Pattern.compile("(?m)^HTTP/1\\.[01] 2\\d\\d");

    private final LocalSharedState state = new LocalSharedState();
    private final SharedMap routes = state.map(Channels.ROUTES);
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private RouterServer router;
    private RawInstance instance;

    @BeforeEach
    void startRouterAndInstance() throws IOException {
        startRouter(RouterConfig.DEFAULT_HEAD_TIMEOUT_SECONDS);
        instance = new RawInstance();
        closeLater.add(instance);
        RouteEntry entry = new RouteEntry(APP, "127.0.0.1", instance.port(), "app-guid", "raw-0", 0);
        routes.put(entry.key(), Json.write(entry), Channels.OWNED_TTL);
    }

    private void startRouter(int headTimeoutSeconds) {
        if (router != null) {
            router.close();
        }
        // One thread: every client connection shares one pool of instance connections.
        router = new RouterServer(new RouterConfig(0, "127.0.0.1", 1000, 30, 1,
                RouterConfig.DEFAULT_MAX_IDLE_CONNECTIONS_PER_INSTANCE, headTimeoutSeconds), routes);
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
    void wellFormedRequestsReachTheInstanceOverOneKeptAliveConnection() throws IOException {
        try (Socket client = connect()) {
            send(client, "GET /plain HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            Answer plain = readAnswer(client.getInputStream());
            assertEquals(200, plain.status(), plain.describe());
            assertEquals("answer to /plain", plain.body());
            send(client, "POST /form HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: 5\r\n\r\nhello");
            Answer form = readAnswer(client.getInputStream());
            assertEquals(200, form.status(), form.describe());
            assertEquals("answer to /form", form.body());
        }
        Answer other = askOnce("GET /other HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
        assertEquals("answer to /other", other.body(), other.describe());
        assertEquals(List.of("GET /plain HTTP/1.1", "POST /form HTTP/1.1", "GET /other HTTP/1.1"), instance.requestLines());
        assertEquals("hello", instance.request("/form").bodyText());
        assertEquals(instance.request("/plain").connection(), instance.request("/form").connection());
        assertEquals(instance.request("/plain").connection(), instance.request("/other").connection(),
                "another client's request goes over the same idle instance connection");
        assertEquals("", instance.unframed());
    }

    @ParameterizedTest
    @CsvSource({"'Content-Length: 5', 'Transfer-Encoding: chunked'", "'Transfer-Encoding: chunked', 'Content-Length: 5'"})
    void requestWithBothContentLengthAndChunkedIsRefused(String first, String second) throws IOException {
        assertRefused(post(first, second));
    }

    @ParameterizedTest
    @CsvSource({"'Content-Length: 5', 'Content-Length: 6'", "'Content-Length: 6', 'Content-Length: 5'"})
    void twoDifferentContentLengthsAreRefused(String first, String second) throws IOException {
        assertRefused(post(first, second));
    }

    @Test
    void twoEqualContentLengthsPassWithTheirBodyIntactAndReachTheInstanceAsOne() throws IOException {
        String twice = "POST /twice HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello";
        try (Socket client = connect()) {
            send(client, twice + AFTER);
            Answer answer = readAnswer(client.getInputStream());
            assertEquals("answer to /twice", answer.body(), answer.describe());
            Answer after = readAnswer(client.getInputStream());
            assertEquals("answer to /after", after.body(), after.describe());
        }
        assertEquals(List.of("POST /twice HTTP/1.1", "GET /after HTTP/1.1"), instance.requestLines());
        assertEquals("hello", instance.request("/twice").bodyText());
        String head = instance.request("/twice").head().toLowerCase(Locale.ROOT);
        assertEquals(head.indexOf("content-length:"), head.lastIndexOf("content-length:"), "one Content-Length: " + show(head));
        assertEquals("", instance.unframed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: +5", "Content-Length: -1", "Content-Length: 0x10", "Content-Length: 5 5",
            "Content-Length: 5,6", "Content-Length: 99999999999999999999999"})
    void contentLengthThatIsNotPlainDigitsIsRefused(String header) throws IOException {
        assertRefused(post(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: gzip", "Transfer-Encoding: chunked, gzip", "Transfer-Encoding: xchunked",
            "Transfer-Encoding: identity"})
    void transferEncodingOtherThanChunkedIsRefused(String header) throws IOException {
        assertRefused(post(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length : 5", "Transfer-Encoding\t: chunked"})
    void whitespaceBetweenHeaderNameAndColonIsRefused(String header) throws IOException {
        assertRefused(post(header));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foldedHeaders")
    void foldedHeaderLineIsRefused(String label, String headers) throws IOException {
        assertRefused(post(headers));
    }

    @ParameterizedTest
    @CsvSource({
            "'GET /slow HTTP/1.1\r\nHost: " + APP + "\r\nX-Slow: ', 'a'",
            "'', '\r\n'"}) // empty lines before a head count as its start too
    void aHeadTrickledInSlowerThanTheHeadTimeoutGets408AndTheConnectionCloses(String opening, String trickle)
            throws Exception {
        startRouter(1);
        try (Socket client = connect()) {
            long start = System.nanoTime();
            send(client, opening.isEmpty() ? trickle : opening);
            // Each byte comes long before the 30-s idle timeout, so only the head's own deadline can end this.
            for (int i = 0; i < 25 && client.getInputStream().available() == 0; i++) {
                Thread.sleep(200);
                sendRegardless(client, trickle);
            }
            Answer answer = readAnswer(client.getInputStream());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(408, answer.status(), answer.describe());
            assertEquals(End.CLOSED, readRest(client.getInputStream()).end(), "the connection stays open after the 408");
            assertTrue(millis >= 1000 && millis < 2500, "the head was cut off after " + millis + " ms, not about 1 s");
        }
        assertInstanceGotNothingButACheck();
    }

    @Test
    void aHeadWhoseLastBytesComeAfterTheHeadTimeoutGets408() throws Exception {
        startRouter(1);
        try (Socket client = connect()) {
            send(client, "GET /late HTTP/1.1\r\nHo");
            Thread.sleep(1300);
            sendRegardless(client, "st: " + APP + "\r\n\r\n");
            Answer answer = readAnswer(client.getInputStream());
            assertEquals(408, answer.status(), answer.describe());
        }
        assertInstanceGotNothingButACheck();
    }

    @Test
    void aHeadInPiecesWithinTheHeadTimeoutIsServedAndTheWaitBetweenRequestsDoesNotCount() throws Exception {
        startRouter(1);
        try (Socket client = connect()) {
            for (String piece : List.of("GET /first HTTP/1.1\r\n", "Host: " + APP + "\r\n", "\r\n")) {
                send(client, piece);
                Thread.sleep(300);
            }
            assertEquals("answer to /first", readAnswer(client.getInputStream()).body());
            Thread.sleep(1500); // idle on a kept-alive connection, longer than a head may take
            send(client, "GET /second HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            Answer second = readAnswer(client.getInputStream());
            assertEquals(200, second.status(), second.describe());
            assertEquals("answer to /second", second.body());
        }
    }

    @Test
    void aPipelinedHeadIsNotTimedWhileTheRouterHoldsItBack() throws Exception {
        startRouter(1);
        instance.answerAfter("/slow", 1500);
        try (Socket client = connect()) {
            // The router reads the third head's start with the first two requests, then reads no more of
            // this connection until the slow answer is out: the rest of that head waits 1.5 s for the router.
            send(client, "GET /slow HTTP/1.1\r\nHost: " + APP + "\r\n\r\nGET /two HTTP/1.1\r\nHost: " + APP
                    + "\r\n\r\nGET /three HTTP/1.1\r\nHo");
            Thread.sleep(100);
            send(client, "st: " + APP + "\r\n\r\n");
            for (String path : List.of("/slow", "/two", "/three")) {
                Answer answer = readAnswer(client.getInputStream());
                assertEquals("answer to " + path, answer.body(), answer.describe());
            }
        }
    }

    static Stream<Arguments> foldedHeaders() {
        return Stream.of(
                Arguments.of("continued with a space", "X-Folded: a\r\n b"),
                Arguments.of("continued with a tab", "X-Folded: a\r\n\tb"),
                Arguments.of("Transfer-Encoding continued", "Transfer-Encoding:\r\n chunked"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controlCharactersInValues")
    void nulOrLoneCrInAHeaderValueIsRefused(String label, String header) throws IOException {
        assertRefused(post(header));
    }

    static Stream<Arguments> controlCharactersInValues() {
        return Stream.of(
                Arguments.of("NUL", "X-Value: a\0b"),
                Arguments.of("lone CR", "X-Value: a\rb"),
                Arguments.of("lone CR before a header", "X-Value: a\rTransfer-Encoding: chunked"));
    }

    @ParameterizedTest
    @CsvSource({"app.strato.test, app.strato.test", "app.strato.test, other.strato.test", "other.strato.test, app.strato.test"})
    void twoHostHeadersAreRefused(String first, String second) throws IOException {
        assertRefused("GET /refused HTTP/1.1\r\nHost: " + first + "\r\nHost: " + second + "\r\n\r\n");
    }

    @Test
    void requestHeadLargerThan64KiBIsRefused() throws IOException {
        String big = "GET /refused HTTP/1.1\r\nHost: " + APP + "\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n";
        assertRefused(big, 400, 431);
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz", "-1", "10000000000000000000"})
    void requestHiddenBehindAnInvalidChunkSizeNeverReachesTheInstance(String size) throws IOException {
        String broken = "POST /refused HTTP/1.1\r\nHost: " + APP + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + size + "\r\n\r\n" + SMUGGLED;
        try (Socket client = connect()) {
            sendRegardless(client, broken + AFTER);
            assertRefusedAnswer(readAnswer(client.getInputStream()), client, 400);
        }
        Answer check = askOnce("GET /check HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
        assertEquals(200, check.status(), check.describe());
        String received = instance.received();
        assertFalse(received.contains("GET /smuggled"), "the instance got: " + show(received));
        assertFalse(received.contains("GET /after"), "the instance got: " + show(received));
        assertFalse(instance.requestLines().stream().anyMatch(l -> l.contains("/smuggled") || l.contains("/after")),
                "requests at the instance: " + instance.requestLines());
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "Chunked", "CHUNKED"})
    void chunkedBodyThatLooksLikeARequestReachesTheInstanceAsOneRequestsBody(String encoding) throws IOException {
        String first = "GET /smuggled HTTP/1.1\r\n";
        String rest = SMUGGLED.substring(first.length());
        Answer answer = askOnce("POST /upload HTTP/1.1\r\nHost: " + APP + "\r\nTransfer-Encoding: " + encoding + "\r\n\r\n"
                + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n"
                + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n");
        assertEquals(200, answer.status(), answer.describe());
        assertEquals("answer to /upload", answer.body());
        assertEquals(List.of("POST /upload HTTP/1.1"), instance.requestLines(), "the instance got: " + show(instance.received()));
        assertEquals(SMUGGLED, instance.request("/upload").bodyText());
        assertEquals("", instance.unframed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding", "Content-Length", "transfer-encoding, content-length"})
    void framingHeadersNamedInConnectionStillFrameTheRequestAtTheInstance(String named) throws IOException {
        boolean chunked = named.toLowerCase(Locale.ROOT).startsWith("transfer");
        String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + SMUGGLED.length();
        String body = chunked ? Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n" : SMUGGLED;
        Answer answer = askOnce("POST /upload HTTP/1.1\r\nHost: " + APP + "\r\n" + framing + "\r\nConnection: " + named
                + "\r\n\r\n" + body);
        assertEquals("answer to /upload", answer.body(), answer.describe());
        assertEquals(List.of("POST /upload HTTP/1.1"), instance.requestLines(), "the instance got: " + show(instance.received()));
        assertEquals(SMUGGLED, instance.request("/upload").bodyText());
        assertEquals("", instance.unframed());
    }

    @Test
    void headersAClientNamesInConnectionStayOnItsHop() throws IOException {
        Answer answer = askOnce("GET /hop HTTP/1.1\r\nHost: " + APP + "\r\nConnection: X-Hop, x-other\r\nX-Hop: 1\r\n"
                + "X-Other: 2\r\nX-Kept: 3\r\n\r\n");
        assertEquals("answer to /hop", answer.body(), answer.describe());
        String head = instance.request("/hop").head().toLowerCase(Locale.ROOT);
        assertFalse(head.contains("x-hop") || head.contains("x-other") || head.contains("connection:"), show(head));
        assertTrue(head.contains("x-kept: 3"), show(head));
    }

    @Test
    void anAnswersContentLengthNamedInConnectionStillFramesItForTheClient() throws IOException {
        instance.answer("/first", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: Content-Length\r\n\r\nfirst");
        try (Socket client = connect()) {
            send(client, "GET /first HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            Answer first = readAnswer(client.getInputStream());
            assertEquals("first", first.body(), first.describe());
            assertTrue(first.raw().contains("Content-Length: 5"), first.describe());
            send(client, "GET /second HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            Answer second = readAnswer(client.getInputStream());
            assertEquals("answer to /second", second.body(), second.describe());
        }
    }

    @Test
    void contentLengthBodyThatLooksLikeARequestReachesTheInstanceAsOneRequestsBody() throws IOException {
        Answer answer = askOnce("POST /upload HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: " + SMUGGLED.length()
                + "\r\n\r\n" + SMUGGLED);
        assertEquals(200, answer.status(), answer.describe());
        assertEquals("answer to /upload", answer.body());
        assertEquals(List.of("POST /upload HTTP/1.1"), instance.requestLines(), "the instance got: " + show(instance.received()));
        assertEquals(SMUGGLED, instance.request("/upload").bodyText());
        assertEquals("", instance.unframed());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguouslyFramedAnswers")
    void ambiguouslyFramedAnswerGets502AndItsInstanceConnectionIsNotReused(String label, String hostile) throws IOException {
        instance.answer("/hostile", hostile);
        Answer answer = askOnce("GET /hostile HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
        assertEquals(502, answer.status(), "the client got: " + answer.describe());
        Answer next = askOnce("GET /next HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
        assertEquals(200, next.status(), next.describe());
        assertEquals("answer to /next", next.body());
        assertNotEquals(instance.request("/hostile").connection(), instance.request("/next").connection(),
                "the next request went over the connection of the hostile answer");
    }

    static Stream<Arguments> ambiguouslyFramedAnswers() {
        return Stream.of(
                Arguments.of("Content-Length and chunked",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunked and Content-Length",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"));
    }

    @Test
    void bytesAnInstanceSendsBeyondItsContentLengthNeverReachAClient() throws IOException {
        instance.answer("/first", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ninjected");
        try (Socket client = connect()) {
            send(client, "GET /first HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            Answer first = readAnswer(client.getInputStream());
            assertEquals(200, first.status(), first.describe());
            assertEquals("first", first.body());
            send(client, "GET /second HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            Answer second = readAnswer(client.getInputStream());
            assertFalse(second.raw().contains("injected"), "the client got: " + second.describe());
            assertEquals(200, second.status(), second.describe());
            assertEquals("answer to /second", second.body());
        }
        assertEquals(List.of("GET /first HTTP/1.1", "GET /second HTTP/1.1"), instance.requestLines());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedAnswerHeaders")
    void malformedAnswerHeaderGets502(String label, String hostile) throws IOException {
        instance.answer("/hostile", hostile);
        Answer answer = askOnce("GET /hostile HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
        assertEquals(502, answer.status(), "the client got: " + answer.describe());
        assertFalse(answer.raw().contains("evil"), "the client got: " + answer.describe());
    }

    static Stream<Arguments> malformedAnswerHeaders() {
        return Stream.of(
                Arguments.of("lone CR in a value", "HTTP/1.1 200 OK\r\nX-Value: a\rSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("line without a colon", "HTTP/1.1 200 OK\r\nX-Value: a\r\nSet-Cookie evil=1\r\nContent-Length: 2\r\n\r\nok"));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderByTheirOwnAnswers() throws IOException {
        instance.answer("/one", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nfirst \r\n6\r\nanswer\r\n0\r\n\r\n");
        try (Socket client = connect()) {
            send(client, "GET /one HTTP/1.1\r\nHost: " + APP + "\r\n\r\n"
                    + "POST /two HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: 3\r\n\r\nabc");
            Answer one = readAnswer(client.getInputStream());
            assertEquals(200, one.status(), one.describe());
            assertEquals("first answer", one.body());
            Answer two = readAnswer(client.getInputStream());
            assertEquals(200, two.status(), "the answer to POST /two: " + two.describe() + "; the instance got: "
                    + show(instance.received()));
            assertEquals("answer to /two", two.body());
        }
        assertEquals(List.of("GET /one HTTP/1.1", "POST /two HTTP/1.1"), instance.requestLines());
        assertEquals("abc", instance.request("/two").bodyText());
    }

    @Test
    void anAnswerEndedByClosingReachesAnHttp11ClientInChunksAndItsConnectionGoesOn() throws IOException {
        instance.answerAndClose("/unframed", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nno length, ended by close");
        try (Socket client = connect()) {
            send(client, "GET /unframed HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            Answer unframed = readAnswer(client.getInputStream());
            assertEquals(200, unframed.status(), unframed.describe());
            assertEquals("no length, ended by close", unframed.body());
            assertTrue(unframed.raw().toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked"), unframed.describe());
            send(client, "GET /next HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            Answer next = readAnswer(client.getInputStream());
            assertEquals("answer to /next", next.body(), next.describe());
        }
    }

    @Test
    void trailersOfChunkedBodiesPassBothWaysAndFramingFieldsInThemDoNot() throws IOException {
        instance.answer("/trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nok\r\n0\r\nX-Checksum: answer-sum\r\nContent-Length: 99\r\n\r\n");
        try (Socket client = connect()) {
            send(client, "POST /trailers HTTP/1.1\r\nHost: " + APP + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nX-Checksum: request-sum\r\nTransfer-Encoding: chunked\r\n\r\n");
            Answer answer = readAnswer(client.getInputStream());
            assertEquals("ok", answer.body(), answer.describe());
            assertTrue(answer.raw().contains("X-Checksum: answer-sum"), answer.describe());
            assertFalse(answer.raw().contains("Content-Length: 99"), answer.describe());
        }
        String received = instance.received();
        assertTrue(received.contains("0\r\nX-Checksum: request-sum\r\n\r\n"), show(received));
        assertEquals("hello", instance.request("/trailers").bodyText());
    }

    @ParameterizedTest(name = "version ''{0}''")
    @ValueSource(strings = {"HTTP/2.0", "HTTP/1.1x", ""})
    void requestLineWithoutAnHttp1VersionIsRefused(String version) throws IOException {
        String line = "GET /refused" + (version.isEmpty() ? "" : " " + version);
        assertRefused(line + "\r\nHost: " + APP + "\r\n\r\n");
    }

    @Test
    void http11RequestWithoutHostGets400() throws IOException {
        Answer answer = askOnce("GET / HTTP/1.1\r\n\r\n");
        assertEquals(400, answer.status(), answer.describe());
        assertEquals("400 Bad Request: Request had empty Host header\n", answer.body());
        assertInstanceGotNothingButACheck();
    }

    // --- helpers ---

    /** A POST to /refused with these header lines and the body they call for. */
    private static String post(String... headerLines) {
        String headers = String.join("\r\n", headerLines);
        String lower = headers.toLowerCase(Locale.ROOT);
        String body = lower.contains("transfer-encoding") ? CHUNKED_BODY : lower.contains("content-length") ? "hello" : "";
        return "POST /refused HTTP/1.1\r\nHost: " + APP + "\r\n" + headers + "\r\n\r\n" + body;
    }

    /**
     * Sends {@code hostile} with a well-formed request behind it in one write, and checks that the client is
     * refused and that neither request reaches the instance.
     */
    private void assertRefused(String hostile, int... statuses) throws IOException {
        try (Socket client = connect()) {
            sendRegardless(client, hostile + AFTER);
            assertRefusedAnswer(readAnswer(client.getInputStream()), client, statuses.length == 0 ? new int[] {400} : statuses);
        }
        assertInstanceGotNothingButACheck();
    }

    /** The answer has one of {@code statuses}, or the connection closes without a 2xx answer. */
    private void assertRefusedAnswer(Answer answer, Socket client, int... statuses) throws IOException {
        if (answer.end() == End.COMPLETE && Arrays.stream(statuses).anyMatch(s -> s == answer.status())) {
            return;
        }
        Answer last = answer;
        String got = answer.describe();
        String raw = answer.raw();
        if (answer.end() == End.COMPLETE && !SUCCESS.matcher(raw).find()) {
            last = readRest(client.getInputStream());
            got += " then " + last.describe();
            raw += last.raw();
        }
        String seen = got + "; the instance got: " + show(instance.received());
        assertFalse(SUCCESS.matcher(raw).find(), "the client got a 2xx answer: " + seen);
        assertEquals(End.CLOSED, last.end(), "not refused: the client got " + seen);
    }

    /** A well-formed request on a new connection gets through, and it is all the instance ever got. */
    private void assertInstanceGotNothingButACheck() throws IOException {
        Answer check = askOnce("GET /check HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
        assertEquals(200, check.status(), check.describe());
        assertEquals("answer to /check", check.body());
        assertEquals(List.of("GET /check HTTP/1.1"), instance.requestLines(), "the instance got: " + show(instance.received()));
        assertEquals(show(instance.request("/check").head()), show(instance.received()), "the instance got more than the check");
    }

    private Socket connect() throws IOException {
        Socket client = new Socket("127.0.0.1", router.port());
        closeLater.add(client);
        client.setSoTimeout(TIMEOUT_MS);
        return client;
    }

    /** Sends one request on a new connection and reads its answer. */
    private Answer askOnce(String request) throws IOException {
        try (Socket client = connect()) {
            send(client, request);
            return readAnswer(client.getInputStream());
        }
    }

    private static void send(Socket client, String bytes) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(bytes.getBytes(ISO_8859_1));
        out.flush();
    }

    /** Sends, not minding a router that closes the connection before it has read everything. */
    private static void sendRegardless(Socket client, String bytes) {
        try {
            send(client, bytes);
        } catch (IOException e) {
            // the answer, or the closed connection, tells the rest
        }
    }

    private static String show(String bytes) {
        String shown = bytes.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
        return shown.length() > 2000 ? shown.substring(0, 2000) + "... (" + bytes.length() + " bytes)" : shown;
    }

    /** How reading an answer ended. */
    private enum End { COMPLETE, CLOSED, SILENT }

    /** One answer read from a raw connection, or what came of it before the connection closed or went quiet. */
    private record Answer(String raw, String head, String body, End end) {
        int status() {
            return raw.length() >= 12 && raw.startsWith("HTTP/1.") && raw.substring(9, 12).chars().allMatch(Character::isDigit)
                    ? Integer.parseInt(raw.substring(9, 12)) : -1;
        }

        /** The bytes that came, and how reading them ended, for failure messages. */
        String describe() {
            return show(raw) + switch (end) {
                case COMPLETE -> "";
                case CLOSED -> " (then the connection closed)";
                case SILENT -> " (then nothing more within " + TIMEOUT_MS + " ms, the connection still open)";
            };
        }
    }

    /** Reads one answer byte by byte, so that nothing of the next one is taken. */
    private static Answer readAnswer(InputStream in) {
        StringBuilder raw = new StringBuilder();
        String head = "";
        StringBuilder body = new StringBuilder();
        try {
            head = readUntil(in, raw, "\r\n\r\n");
            int status = new Answer(raw.toString(), head, "", End.COMPLETE).status();
            String encoding = headerValue(head, "transfer-encoding");
            String length = headerValue(head, "content-length");
            if (status / 100 == 1 || status == 204 || status == 304) {
                return new Answer(raw.toString(), head, "", End.COMPLETE);
            } else if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                int size;
                while ((size = Integer.parseInt(readUntil(in, raw, "\r\n").trim(), 16)) > 0) {
                    body.append(readN(in, raw, size));
                    readUntil(in, raw, "\r\n");
                }
                while (!readUntil(in, raw, "\r\n").equals("\r\n")) {
                    // trailer lines
                }
            } else if (length != null) {
                body.append(readN(in, raw, Integer.parseInt(length.trim())));
            } else {
                int c;
                while ((c = in.read()) >= 0) {
                    raw.append((char) c);
                    body.append((char) c);
                }
                return new Answer(raw.toString(), head, body.toString(), End.CLOSED);
            }
            return new Answer(raw.toString(), head, body.toString(), End.COMPLETE);
        } catch (SocketTimeoutException e) {
            return new Answer(raw.toString(), head, body.toString(), End.SILENT);
        } catch (IOException e) {
            return new Answer(raw.toString(), head, body.toString(), End.CLOSED);
        }
    }

    /** Reads until the connection closes or goes quiet. */
    private static Answer readRest(InputStream in) {
        StringBuilder raw = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) >= 0) {
                raw.append((char) c);
            }
            return new Answer(raw.toString(), "", "", End.CLOSED);
        } catch (SocketTimeoutException e) {
            return new Answer(raw.toString(), "", "", End.SILENT);
        } catch (IOException e) {
            return new Answer(raw.toString(), "", "", End.CLOSED);
        }
    }

    private static String readUntil(InputStream in, StringBuilder raw, String end) throws IOException {
        StringBuilder part = new StringBuilder();
        while (part.length() < end.length() || !part.substring(part.length() - end.length()).equals(end)) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException();
            }
            raw.append((char) c);
            part.append((char) c);
        }
        return part.toString();
    }

    private static String readN(InputStream in, StringBuilder raw, int n) throws IOException {
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException();
            }
            raw.append((char) c);
            part.append((char) c);
        }
        return part.toString();
    }

    /** The values of header {@code name} in a head, joined with commas; null when there is none. */
    private static String headerValue(String head, String name) {
        List<String> values = Arrays.stream(head.split("\r\n")).skip(1)
                .filter(l -> l.indexOf(':') > 0 && l.substring(0, l.indexOf(':')).equalsIgnoreCase(name))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .collect(Collectors.toList());
        return values.isEmpty() ? null : String.join(",", values);
    }

    /**
     * An app instance at the byte level: records everything each connection brings, frames requests by
     * Content-Length or chunked encoding, and answers each with the bytes scripted for its path, or else
     * with {@code answer to <path>}.
     */
    private static final class RawInstance implements AutoCloseable {

        /** One request as the instance framed it: its head as received, its decoded body, and where it ended. */
        record Request(int connection, String line, String head, byte[] body, int end) {
            String path() {
                String[] parts = line.split(" ");
                return parts.length > 1 ? parts[1] : "";
            }

            String bodyText() {
                return new String(body, ISO_8859_1);
            }
        }

        /** One accepted connection: every byte it brought, and how far those bytes were framed as requests. */
        private static final class Connection {
            final Socket socket;
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            volatile int framed;

            Connection(Socket socket) {
                this.socket = socket;
            }

            synchronized byte[] received() {
                return bytes.toByteArray();
            }
        }

        private final ServerSocket server;
        private final List<Connection> connections = new CopyOnWriteArrayList<>();
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private final Map<String, String> scripted = new ConcurrentHashMap<>();
        private final Set<String> closeAfter = ConcurrentHashMap.newKeySet();
        private final Map<String, Long> delays = new ConcurrentHashMap<>();

        RawInstance() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::acceptAll, "raw-instance-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        /** The bytes to send, as they are, for each request to {@code path}. */
        void answer(String path, String bytes) {
            scripted.put(path, bytes);
        }

        /** The bytes to send for each request to {@code path}, then the connection closes. */
        void answerAndClose(String path, String bytes) {
            answer(path, bytes);
            closeAfter.add(path);
        }

        /** Answers each request to {@code path} only {@code millis} after it came. */
        void answerAfter(String path, long millis) {
            delays.put(path, millis);
        }

        List<String> requestLines() {
            return requests.stream().map(Request::line).collect(Collectors.toList());
        }

        Request request(String path) {
            return requests.stream().filter(r -> r.path().equals(path)).findFirst()
                    .orElseThrow(() -> new AssertionError("no request for " + path + " at the instance; it got: " + show(received())));
        }

        /** Everything every connection brought, in the order the connections came. */
        String received() {
            return connections.stream().map(c -> new String(c.received(), ISO_8859_1)).collect(Collectors.joining());
        }

        /** What came after the last request each connection could frame. */
        String unframed() {
            return connections.stream().map(c -> {
                byte[] all = c.received();
                return new String(all, c.framed, all.length - c.framed, ISO_8859_1);
            }).collect(Collectors.joining());
        }

        private void acceptAll() {
            try {
                while (true) {
                    Connection connection = new Connection(server.accept());
                    int index;
                    synchronized (connections) {
                        index = connections.size();
                        connections.add(connection);
                    }
                    Thread reader = new Thread(() -> serve(index, connection), "raw-instance-" + index);
                    reader.setDaemon(true);
                    reader.start();
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void serve(int index, Connection connection) {
            byte[] buffer = new byte[16384];
            try (Socket socket = connection.socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    byte[] all;
                    synchronized (connection) {
                        connection.bytes.write(buffer, 0, n);
                        all = connection.bytes.toByteArray();
                    }
                    Request request;
                    while ((request = frame(index, all, connection.framed)) != null) {
                        requests.add(request);
                        connection.framed = request.end();
                        String answer = scripted.get(request.path());
                        if (answer == null) {
                            String body = "answer to " + request.path();
                            answer = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
                        }
                        Long delay = delays.get(request.path());
                        if (delay != null) {
                            Thread.sleep(delay);
                        }
                        out.write(answer.getBytes(ISO_8859_1));
                        out.flush();
                        if (closeAfter.contains(request.path())) {
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                // the router closed the connection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Frames the request that starts at {@code from}; null while it is incomplete or cannot be framed. */
        private static Request frame(int connection, byte[] data, int from) {
            String text = new String(data, ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n", from);
            if (headEnd < 0) {
                return null;
            }
            String head = text.substring(from, headEnd + 4);
            String encoding = headerValue(head, "transfer-encoding");
            String length = headerValue(head, "content-length");
            int pos = headEnd + 4;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try {
                if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                    while (true) {
                        int lineEnd = text.indexOf("\r\n", pos);
                        if (lineEnd < 0) {
                            return null;
                        }
                        int size = Integer.parseInt(text.substring(pos, lineEnd).split(";")[0].trim(), 16);
                        if (size < 0) {
                            return null;
                        }
                        pos = lineEnd + 2;
                        if (size == 0) {
                            int trailerEnd;
                            while ((trailerEnd = text.indexOf("\r\n", pos)) != pos) {
                                if (trailerEnd < 0) {
                                    return null;
                                }
                                pos = trailerEnd + 2;
                            }
                            pos += 2;
                            break;
                        }
                        if (data.length < pos + size + 2) {
                            return null;
                        }
                        body.write(data, pos, size);
                        pos += size + 2;
                    }
                } else if (length != null) {
                    int size = Integer.parseInt(length.trim());
                    if (size < 0 || data.length < pos + size) {
                        return null;
                    }
                    body.write(data, pos, size);
                    pos += size;
                }
            } catch (NumberFormatException e) {
                return null;
            }
            return new Request(connection, head.substring(0, head.indexOf("\r\n")), head, body.toByteArray(), pos);
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Connection c : connections) {
                c.socket.close();
            }
        }
    }
}
