package io.strato.role.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder reads the same messages however the bytes are cut into reads. */
class HttpMessageDecoderTest {

    private static final String REQUESTS = "\r\n"
            + "GET /one HTTP/1.1\r\nHost: a.test\r\nX-Long: " + "v".repeat(3000) + "\r\n\r\n"
            + "POST /two HTTP/1.1\r\nHost: a.test\r\nContent-Length: 11\r\n\r\nhello world"
            + "POST /three HTTP/1.0\nHost: a.test\nContent-Length: 2\n\nok"
            + "PUT /four HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Sum: 1\r\n\r\n"
            + "GET /five HTTP/1.1\r\nHost: a.test\r\n\r\n";

    private static final List<String> EXPECTED = List.of(
            "head GET /one", "end", "head POST /two", "body hello world", "end", "head POST /three", "body ok", "end",
            "head PUT /four", "body helloabcdefghijklmnopqrstuvwxyz", "end X-Sum: 1\r\n", "head GET /five", "end");

    @Test
    void requestsReadAtOnceByteByByteOrInPiecesGiveTheSameMessages() {
        assertEquals(EXPECTED, decode(REQUESTS, REQUESTS.length()));
        assertEquals(EXPECTED, decode(REQUESTS, 1));
        for (int piece : new int[]{2, 3, 7, 64, 1000}) {
            assertEquals(EXPECTED, decode(REQUESTS, piece), "pieces of " + piece + " bytes");
        }
    }

    @Test
    void aHeadThatNeverEndsIsRefusedOnceItPassesTheLimitEvenInSmallReads() {
        String endless = "GET / HTTP/1.1\r\nHost: a.test\r\nX-Filler: " + "x".repeat(HttpMessageDecoder.MAX_HEAD);
        List<String> messages = decode(endless, 1024);
        assertEquals(1, messages.size(), messages.toString());
        assertTrue(messages.get(0).startsWith("malformed a head longer than"), messages.toString());
    }

    @Test
    void aHeadWithMoreHeadersThanAllowedIsRefused() {
        String many = "GET / HTTP/1.1\r\nHost: a.test\r\n" + "X-A: 1\r\n".repeat(HttpHead.MAX_HEADERS) + "\r\n";
        assertEquals(List.of("malformed more than " + HttpHead.MAX_HEADERS + " headers"), decode(many, many.length()));
        String allowed = "GET / HTTP/1.1\r\nHost: a.test\r\n" + "X-A: 1\r\n".repeat(HttpHead.MAX_HEADERS - 1) + "\r\n";
        assertEquals(List.of("head GET /", "end"), decode(allowed, allowed.length()));
    }

    @Test
    void anAnswerIsReadOnlyWhenOneWasAskedFor() {
        HttpMessageDecoder decoder = HttpMessageDecoder.responses();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        decoder.expectResponse(false, false);
        channel.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        assertEquals(List.of("head 200", "body ok", "end"), drain(channel));
        channel.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno"));
        assertEquals(List.of("malformed bytes from an instance that was asked nothing"), drain(channel));
    }

    private static List<String> decode(String bytes, int piece) {
        EmbeddedChannel channel = new EmbeddedChannel(HttpMessageDecoder.requests(TimeUnit.SECONDS.toNanos(20)));
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < bytes.length(); i += piece) {
            channel.writeInbound(ascii(bytes.substring(i, Math.min(bytes.length(), i + piece))));
            messages.addAll(drain(channel));
        }
        channel.finishAndReleaseAll();
        return merged(messages);
    }

    /** Consecutive body parts joined: how a body is cut into parts depends on the reads, its bytes do not. */
    private static List<String> merged(List<String> messages) {
        List<String> out = new ArrayList<>();
        for (String m : messages) {
            int last = out.size() - 1;
            if (m.startsWith("body ") && last >= 0 && out.get(last).startsWith("body ")) {
                out.set(last, out.get(last) + m.substring(5));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    private static List<String> drain(EmbeddedChannel channel) {
        List<String> messages = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            messages.add(describe(msg));
        }
        return messages;
    }

    private static String describe(Object msg) {
        if (msg instanceof HttpHead head) {
            return head.status() > 0 ? "head " + head.status()
                    : "head " + new String(head.bytes, 0, head.methodEnd(), ISO_8859_1) + " " + head.target();
        }
        if (msg instanceof HttpMessageDecoder.End end) {
            return end.trailers() == null ? "end" : "end " + new String(end.trailers(), ISO_8859_1);
        }
        if (msg instanceof HttpMessageDecoder.Malformed malformed) {
            return "malformed " + malformed.reason();
        }
        ByteBuf part = (ByteBuf) msg;
        try {
            return "body " + part.toString(ISO_8859_1);
        } finally {
            part.release();
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, ISO_8859_1);
    }
}
