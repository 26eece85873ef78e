package io.strato.role.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cuts the bytes of one connection into HTTP/1.x messages without rebuilding them: a {@link HttpHead},
 * then the body as slices of the bytes received (chunked framing taken off), then an {@link End}. A
 * message that breaks the rules gives one {@link Malformed} and nothing after it. After a WebSocket
 * upgrade request, and after the {@code 101} answer to one, the bytes pass as they are.
 *
 * <p>On the instance side the decoder waits for {@link #expectResponse} before it reads an answer: bytes
 * from an instance that was asked nothing are a fault, not an answer to the next request.
 */
final class HttpMessageDecoder extends ByteToMessageDecoder {

    /** The largest head accepted, start line and headers together. */
    static final int MAX_HEAD = 40 * 1024;
    /** The largest chunk-size line (with its extensions) and the largest trailer section. */
    static final int MAX_CHUNK_LINE = 4096;
    static final int MAX_TRAILERS = 8192;

    /** The end of a message's body; {@code trailers} are the trailer lines (CR LF ended) of a chunked body, or null. */
    record End(byte[] trailers, boolean moreBytesFollow) {
        static final End PLAIN = new End(null, false);
        static final End MORE = new End(null, true);

        static End of(byte[] trailers, boolean more) {
            return trailers != null ? new End(trailers, more) : more ? MORE : PLAIN;
        }
    }

    /**
     * The message broke the rules, or its head came too slowly ({@code timedOut}); the connection carries
     * nothing more that can be trusted.
     */
    record Malformed(String reason, boolean timedOut) {
    }

    private static final byte[] STATUS_LINE = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);

    private enum Mode { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, UNTIL_CLOSE, RAW, IDLE, FAILED }

    private final boolean requests;
    /** How long a request's head may take from its first byte to its last; 0 for answers, which have no limit. */
    private final long headTimeoutNanos;
    /** When the first bytes of the head now arriving came, while {@link #headClockRunning}. */
    private long headSince;
    private boolean headClockRunning;
    private Mode mode;
    /** Bytes of the head searched so far for its end. */
    private int scanned;
    private long remaining;
    private boolean answersHead;
    private boolean answersUpgrade;

    private HttpMessageDecoder(boolean requests, long headTimeoutNanos) {
        this.requests = requests;
        this.headTimeoutNanos = headTimeoutNanos;
        this.mode = requests ? Mode.HEAD : Mode.IDLE;
    }

    /**
     * For a client connection: reads requests, one after another, each head within {@code headTimeoutNanos}
     * of its first byte (counted while the connection is read: see {@link #restartHeadClock}).
     */
    static HttpMessageDecoder requests(long headTimeoutNanos) {
        if (headTimeoutNanos <= 0) {
            throw new IllegalArgumentException("a head timeout must be positive");
        }
        return new HttpMessageDecoder(true, headTimeoutNanos);
    }

    /** For an instance connection: reads one answer per {@link #expectResponse}. */
    static HttpMessageDecoder responses() {
        return new HttpMessageDecoder(false, 0);
    }

    /**
     * The connection was not read for a while (the router held back a pipelining client): the head now
     * arriving is timed from its next bytes, not from bytes that waited for the router.
     */
    void restartHeadClock() {
        headClockRunning = false;
    }

    /** A request went out on this connection: read its answer. */
    void expectResponse(boolean toHead, boolean toUpgrade) {
        if (mode == Mode.IDLE) {
            mode = Mode.HEAD;
            answersHead = toHead;
            answersUpgrade = toUpgrade;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (mode) {
            case HEAD -> head(in, out);
            case LENGTH -> {
                body(in, out);
                if (remaining == 0) {
                    end(in, out, null);
                }
            }
            case CHUNK_SIZE -> chunkSize(in, out);
            case CHUNK_DATA -> {
                body(in, out);
                if (remaining == 0) {
                    mode = Mode.CHUNK_DATA_END;
                }
            }
            case CHUNK_DATA_END -> chunkDataEnd(in, out);
            case TRAILERS -> trailers(in, out);
            case UNTIL_CLOSE, RAW -> out.add(in.readRetainedSlice(in.readableBytes()));
            case IDLE -> fail(in, out, "bytes from an instance that was asked nothing");
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        if (mode == Mode.UNTIL_CLOSE) {
            mode = Mode.IDLE;
            out.add(End.PLAIN); // an answer without length ends when the instance closes
        }
    }

    private void head(ByteBuf in, List<Object> out) {
        if (scanned == 0) {
            skipEmptyLines(in);
        }
        int start = in.readerIndex();
        int end = endOfSection(in, out, start, MAX_HEAD, "a head");
        if (end < 0) {
            if (mode == Mode.HEAD && headTimeoutNanos > 0) {
                timeHead(in, out);
            }
            return;
        }
        if (headClockRunning) {
            headClockRunning = false;
            if (System.nanoTime() - headSince > headTimeoutNanos) {
                headTooSlow(in, out);
                return;
            }
        }
        byte[] bytes = new byte[end - start];
        in.readBytes(bytes);
        HttpHead head;
        try {
            head = requests ? HttpHead.request(bytes) : HttpHead.response(bytes);
        } catch (HttpHead.Malformed e) {
            fail(in, out, e.getMessage());
            return;
        }
        out.add(head);
        if (requests) {
            requestBody(head, in, out);
        } else {
            responseBody(head, in, out);
        }
    }

    /**
     * Only part of a head is here: starts its clock, or fails the request if the head has taken too long. A
     * head whose last bytes come too late fails too (see {@link #head}); a client that stops sending
     * altogether is left to the idle timeout.
     */
    private void timeHead(ByteBuf in, List<Object> out) {
        long now = System.nanoTime();
        if (!headClockRunning) {
            headClockRunning = true;
            headSince = now;
        } else if (now - headSince > headTimeoutNanos) {
            headTooSlow(in, out);
        }
    }

    private void headTooSlow(ByteBuf in, List<Object> out) {
        fail(in, out, "a head not complete " + TimeUnit.NANOSECONDS.toSeconds(headTimeoutNanos)
                + " s after its first bytes", true);
    }

    private void requestBody(HttpHead head, ByteBuf in, List<Object> out) {
        if (head.chunked()) {
            mode = Mode.CHUNK_SIZE;
        } else if (head.contentLength() > 0) {
            mode = Mode.LENGTH;
            remaining = head.contentLength();
        } else {
            end(in, out, null);
            if (head.webSocketUpgrade()) {
                mode = Mode.RAW; // what follows is for the app's WebSocket, if the app accepts
            }
        }
    }

    private void responseBody(HttpHead head, ByteBuf in, List<Object> out) {
        int status = head.status();
        if (status == 101) {
            if (!answersUpgrade) {
                fail(in, out, "101 Switching Protocols to a request that asked for no upgrade");
            } else {
                mode = Mode.RAW;
            }
        } else if (status < 200) {
            mode = Mode.HEAD; // an interim answer (100 Continue): the real one follows
        } else if (answersHead || status == 204 || status == 304) {
            end(in, out, null);
        } else if (head.chunked()) {
            mode = Mode.CHUNK_SIZE;
        } else if (head.contentLength() > 0) {
            mode = Mode.LENGTH;
            remaining = head.contentLength();
        } else if (head.contentLength() == 0) {
            end(in, out, null);
        } else {
            mode = Mode.UNTIL_CLOSE;
        }
    }

    private void body(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(remaining, in.readableBytes());
        if (n > 0) {
            out.add(in.readRetainedSlice(n));
            remaining -= n;
        }
    }

    private void chunkSize(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, Math.min(in.writerIndex(), start + MAX_CHUNK_LINE + 2), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > MAX_CHUNK_LINE) {
                fail(in, out, "a chunk-size line longer than " + MAX_CHUNK_LINE + " bytes");
            }
            return;
        }
        int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        long size = 0;
        int i = start;
        for (; i < end; i++) {
            int digit = Character.digit(in.getByte(i), 16);
            if (digit < 0) {
                break;
            }
            if (i - start == 15) {
                fail(in, out, "a chunk size too large");
                return;
            }
            size = size * 16 + digit;
        }
        if (i == start) {
            fail(in, out, "a chunk without a hexadecimal size");
            return;
        }
        for (; i < end; i++) {
            byte c = in.getByte(i);
            if (c == ';') {
                break;
            }
            if (c != ' ' && c != '\t') {
                fail(in, out, "a chunk size followed by something other than an extension");
                return;
            }
        }
        for (; i < end; i++) {
            if (!HttpHead.valueByte(in.getByte(i))) {
                fail(in, out, "a chunk extension with a control byte");
                return;
            }
        }
        in.readerIndex(lf + 1);
        if (size == 0) {
            mode = Mode.TRAILERS;
        } else {
            mode = Mode.CHUNK_DATA;
            remaining = size;
        }
    }

    private void chunkDataEnd(ByteBuf in, List<Object> out) {
        int r = in.readerIndex();
        byte first = in.getByte(r);
        if (first == '\n') {
            in.skipBytes(1);
        } else if (first == '\r') {
            if (in.readableBytes() < 2) {
                return;
            }
            if (in.getByte(r + 1) != '\n') {
                fail(in, out, "chunk data not followed by the end of its line");
                return;
            }
            in.skipBytes(2);
        } else {
            fail(in, out, "chunk data longer than its size");
            return;
        }
        mode = Mode.CHUNK_SIZE;
    }

    private void trailers(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int end;
        if (in.getByte(start) == '\n') {
            end = start + 1;
        } else if (in.getByte(start) == '\r' && in.readableBytes() >= 2 && in.getByte(start + 1) == '\n') {
            end = start + 2;
        } else {
            end = endOfSection(in, out, start, MAX_TRAILERS, "trailers");
        }
        if (end < 0) {
            return;
        }
        byte[] trailers = null;
        if (end - start > 2) {
            byte[] section = new byte[end - start];
            in.getBytes(start, section);
            try {
                trailers = normalisedTrailers(section);
            } catch (HttpHead.Malformed e) {
                fail(in, out, "trailers: " + e.getMessage());
                return;
            }
        }
        in.readerIndex(end);
        end(in, out, trailers);
    }

    /** The trailer lines, checked as header lines are, each ended by CR LF; null when there are none. */
    private static byte[] normalisedTrailers(byte[] section) {
        // Trailer lines follow the rules of header lines: read them as the headers of a made-up answer.
        byte[] asHead = new byte[STATUS_LINE.length + section.length];
        System.arraycopy(STATUS_LINE, 0, asHead, 0, STATUS_LINE.length);
        System.arraycopy(section, 0, asHead, STATUS_LINE.length, section.length);
        HttpHead parsed = HttpHead.response(asHead);
        ByteArrayOutputStream lines = new ByteArrayOutputStream(section.length);
        for (int h = 0; h < parsed.count(); h++) {
            if (parsed.kind(h) == HttpHead.OTHER) { // framing and hop-by-hop fields have no place in trailers
                lines.write(asHead, parsed.nameStart(h), parsed.nameEnd(h) - parsed.nameStart(h));
                lines.write(':');
                lines.write(' ');
                lines.write(asHead, parsed.valueStart(h), parsed.valueEnd(h) - parsed.valueStart(h));
                lines.write('\r');
                lines.write('\n');
            }
        }
        return lines.size() == 0 ? null : lines.toByteArray();
    }

    private void end(ByteBuf in, List<Object> out, byte[] trailers) {
        mode = requests ? Mode.HEAD : Mode.IDLE;
        out.add(End.of(trailers, in.isReadable()));
    }

    private void fail(ByteBuf in, List<Object> out, String reason) {
        fail(in, out, reason, false);
    }

    private void fail(ByteBuf in, List<Object> out, String reason, boolean timedOut) {
        in.skipBytes(in.readableBytes());
        mode = Mode.FAILED;
        out.add(new Malformed(reason, timedOut));
    }

    /** Skips the empty lines a client may send between requests. */
    private static void skipEmptyLines(ByteBuf in) {
        while (in.isReadable()) {
            byte c = in.getByte(in.readerIndex());
            if (c != '\r' && c != '\n') {
                return;
            }
            in.skipBytes(1);
        }
    }

    /**
     * The index just past the empty line that ends the head or trailers starting at {@code start}; -1 when
     * they have not all arrived, or are longer than {@code max} (then the message {@link #fail}s).
     */
    private int endOfSection(ByteBuf in, List<Object> out, int start, int max, String what) {
        int limit = in.writerIndex();
        int end = endOfHead(in, start, limit);
        if (end < 0 ? limit - start > max : end - start > max) {
            fail(in, out, what + " longer than " + max + " bytes");
            return -1;
        }
        if (end >= 0) {
            scanned = 0;
        }
        return end;
    }

    /**
     * The index just past the empty line that ends a head starting at {@code start}, or -1 when it has
     * not all arrived; remembers how far it searched, so a head that comes in pieces is searched once.
     */
    private int endOfHead(ByteBuf in, int start, int limit) {
        int from = start + scanned;
        while (true) {
            int lf = in.indexOf(from, limit, (byte) '\n');
            if (lf < 0 || lf + 1 >= limit) {
                scanned = Math.max(0, (lf < 0 ? limit : lf) - start);
                return -1;
            }
            byte next = in.getByte(lf + 1);
            if (next == '\n') {
                return lf + 2;
            }
            if (next == '\r') {
                if (lf + 2 >= limit) {
                    scanned = lf - start;
                    return -1;
                }
                if (in.getByte(lf + 2) == '\n') {
                    return lf + 3;
                }
            }
            from = lf + 1;
        }
    }
}
