package io.strato.role.controller.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.LogLine;
import io.strato.api.cluster.LocalSharedState;
import io.strato.role.controller.apps.LogBuffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client that stops reading its log stream is disconnected, and holds no more than a bounded part of memory. */
class DopplerServerTest {

    private final LogBuffer logs = new LogBuffer(new LocalSharedState());
    private final DopplerServer server = new DopplerServer(logs, (authorization, app) -> null, 0);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        server.close();
        logs.close();
    }

    @Test
    void aClientThatStopsReadingIsDroppedWhileOthersKeepStreaming() throws Exception {
        server.start();
        WebSocket stalled = http.newWebSocketBuilder().buildAsync(uri("flood"), new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket ws) {
                // never asks for a message: its socket fills up
            }
        }).get(10, TimeUnit.SECONDS);
        BlockingQueue<Integer> sizes = new LinkedBlockingQueue<>();
        WebSocket reader = http.newWebSocketBuilder().buildAsync(uri("flood"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                sizes.add(data.remaining());
                ws.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        await(() -> server.streams() == 2, "both streams open");

        String line = "x".repeat(8 * 1024);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int sent = 0;
        while (server.streams() == 2 && System.nanoTime() < deadline) {
            logs.add(new LogLine("flood", System.currentTimeMillis(), "App", 0, "stdout", line));
            if (++sent % 20 == 0) {
                Thread.sleep(20); // 8 MB/s: an app logging hard, which a client that reads keeps up with
            }
        }
        assertEquals(1, server.streams(), "the stalled client was dropped after " + sent + " lines of 8 KB");
        sizes.clear();
        logs.add(new LogLine("flood", System.currentTimeMillis(), "App", 0, "stdout", "still here"));
        Integer size = null;
        for (Integer s = sizes.poll(10, TimeUnit.SECONDS); s != null; s = sizes.poll(1, TimeUnit.SECONDS)) {
            size = s; // the reader may still be taking the flood's last lines
            if (s < 200) {
                break;
            }
        }
        assertNotNull(size, "the reading client still streams");
        assertTrue(size < 200, "its newest message is the short line");
        stalled.abort();
        reader.abort();
        await(() -> server.streams() == 0, "a client that leaves ends its stream");
    }

    @Test
    void aTakenPortIsRefusedNamingTheSettingToChange() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            DopplerServer second = new DopplerServer(logs, (authorization, app) -> null, taken.getLocalPort());
            IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    second::start);
            assertTrue(refused.getMessage().contains("port " + taken.getLocalPort())
                    && refused.getMessage().contains("dopplerPort"), refused.getMessage());
            second.close();
        }
    }

    private URI uri(String app) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/apps/" + app + "/stream");
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
