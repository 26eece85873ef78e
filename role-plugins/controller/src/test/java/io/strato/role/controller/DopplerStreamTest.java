package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.Channels;
import io.strato.api.app.LogLine;
import io.strato.api.json.Json;
import io.strato.role.controller.ControllerFixture.Reply;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Doppler's log stream as Cloud Foundry clients use it ({@code cf logs}): a WebSocket at the logging endpoint
 * /v2/info names, each new line of the app one binary Loggregator envelope, for exactly the users who may read the
 * app's logs through the API.
 */
class DopplerStreamTest {

    private static ControllerFixture c;
    private static String space;
    private static String doppler;
    private static String otherToken;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void cloud() throws Exception {
        c = new ControllerFixture();
        String org = c.post("/v2/organizations", "{\"name\":\"acme\"}").json().at("/metadata/guid").asText();
        space = c.post("/v2/spaces", "{\"name\":\"dev\",\"organization_guid\":\"" + org + "\"}").json()
                .at("/metadata/guid").asText();
        String rival = c.post("/v2/organizations", "{\"name\":\"rival\"}").json().at("/metadata/guid").asText();
        c.users.add("mallory", "mallory's password", false);
        assertEquals(201, c.put("/v2/organizations/" + rival + "/users", "{\"username\":\"mallory\"}").status());
        otherToken = c.login("mallory", "mallory's password").json().get("access_token").asText();
        doppler = c.send(HttpRequest.newBuilder(URI.create(c.url + "/v2/info")).GET()).json()
                .get("doppler_logging_endpoint").asText();
    }

    @AfterAll
    static void stop() {
        c.close();
    }

    @Test
    void theLoggingEndpointIsNamedAlikeInTheRootDocumentAndInfo() throws Exception {
        assertTrue(doppler.matches("ws://127\\.0\\.0\\.1:\\d+"), doppler);
        assertNotEquals(c.url.replaceFirst("^http", "ws"), doppler, "the API's port does not upgrade to WebSockets");
        Reply root = c.send(HttpRequest.newBuilder(URI.create(c.url + "/")).GET());
        assertEquals(doppler, root.json().at("/links/logging/href").asText());
    }

    @Test
    void newLinesOfTheAppArriveLiveAsEnvelopes() throws Exception {
        String app = c.createApp("{\"name\":\"talker\",\"space_guid\":\"" + space + "\"}");
        log(app, "said before the stream opened");
        Messages messages = new Messages();
        WebSocket ws = open(app, c.token(), messages).get(10, TimeUnit.SECONDS);
        try {
            log(app, "hello, live");
            byte[] envelope = messages.next();
            assertNotNull(envelope, "no message within 10 s");
            byte[] logMessage = field(envelope, 8);
            assertEquals("hello, live", new String(field(logMessage, 1), StandardCharsets.UTF_8),
                    "only lines logged after the stream opened arrive, the first of them first");
            assertEquals("APP/PROC/WEB", new String(field(logMessage, 5), StandardCharsets.UTF_8));
            assertEquals(app, new String(field(logMessage, 4), StandardCharsets.UTF_8));
            assertEquals(5, (int) varint(envelope, 2), "event type LogMessage");
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    @Test
    void aUserWhoCannotSeeTheAppIsRefusedAsByTheApi() throws Exception {
        String app = c.createApp("{\"name\":\"secretive\",\"space_guid\":\"" + space + "\"}");
        assertEquals(404, refusal(open(app, otherToken, new Messages())), "a user of another org");
        assertEquals(404, c.send(HttpRequest.newBuilder(URI.create(c.url + "/v2/apps/" + app + "/logs"))
                .header("Authorization", "bearer " + otherToken).GET()).status(), "the same as the API answers");
        assertEquals(401, refusal(open(app, null, new Messages())), "no token");
        assertEquals(401, refusal(open(app, "not-a-token", new Messages())), "a forged token");
        assertEquals(404, refusal(open("no-such-app", c.token(), new Messages())));
    }

    @Test
    void recentLogsAreServedAtTheLoggingEndpointToo() throws Exception {
        String app = c.createApp("{\"name\":\"recent\",\"space_guid\":\"" + space + "\"}");
        log(app, "kept line");
        var reply = http.send(HttpRequest.newBuilder(URI.create(doppler.replaceFirst("^ws", "http") + "/apps/" + app
                + "/recentlogs")).header("Authorization", "bearer " + c.token()).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
        assertEquals(200, reply.statusCode(), reply.body());
        assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("multipart/x-protobuf; boundary="));
        assertTrue(reply.body().contains("kept line"), reply.body());
        var refused = http.send(HttpRequest.newBuilder(URI.create(doppler.replaceFirst("^ws", "http") + "/apps/" + app
                + "/recentlogs")).header("Authorization", "bearer " + otherToken).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, refused.statusCode());
        assertTrue(refused.body().contains("CF-AppNotFound"), refused.body());
    }

    private static void log(String app, String line) {
        c.shared.topic(Channels.APP_LOGS).publish(Json.write(new LogLine(app, System.currentTimeMillis(), "App", 0,
                "stdout", line)));
    }

    private CompletableFuture<WebSocket> open(String app, String token, Messages messages) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            builder.header("Authorization", "bearer " + token);
        }
        return builder.buildAsync(URI.create(doppler + "/apps/" + app + "/stream"), messages);
    }

    private static int refusal(CompletableFuture<WebSocket> opening) throws Exception {
        try {
            WebSocket ws = opening.get(10, TimeUnit.SECONDS);
            ws.abort();
            throw new AssertionError("the stream was opened");
        } catch (ExecutionException e) {
            WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
            return refused.getResponse().statusCode();
        }
    }

    /** The binary messages a stream delivered, whole. */
    static final class Messages implements WebSocket.Listener {
        private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                received.add(partial.toByteArray());
                partial.reset();
            }
            ws.request(1);
            return null;
        }

        byte[] next() throws InterruptedException {
            return received.poll(10, TimeUnit.SECONDS);
        }
    }

    /** The bytes of length-delimited field {@code number} of a protobuf message. */
    static byte[] field(byte[] message, int number) {
        int[] at = {0};
        while (at[0] < message.length) {
            long key = raw(message, at);
            int type = (int) (key & 7);
            if (type == 2) {
                int length = (int) raw(message, at);
                if (key >>> 3 == number) {
                    byte[] out = new byte[length];
                    System.arraycopy(message, at[0], out, 0, length);
                    return out;
                }
                at[0] += length;
            } else if (type == 0) {
                raw(message, at);
            } else {
                throw new AssertionError("unexpected wire type " + type);
            }
        }
        throw new AssertionError("no field " + number);
    }

    static long varint(byte[] message, int number) {
        int[] at = {0};
        while (at[0] < message.length) {
            long key = raw(message, at);
            if ((key & 7) == 0) {
                long value = raw(message, at);
                if (key >>> 3 == number) {
                    return value;
                }
            } else {
                int length = (int) raw(message, at);
                at[0] += length;
            }
        }
        throw new AssertionError("no field " + number);
    }

    private static long raw(byte[] b, int[] at) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[at[0]++] & 0xFF;
            value |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
    }
}
