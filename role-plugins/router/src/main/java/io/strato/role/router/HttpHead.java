package io.strato.role.router;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The start line and headers of one HTTP/1.x request or response, as received, with the positions of
 * every header and what the router needs to know of them. Parsing is strict where a lenient reading
 * could let the router and an instance disagree on where a message ends (request smuggling): a header
 * name followed by white space, a folded line, a lone CR, a control byte in a value, conflicting or
 * malformed {@code Content-Length}, a {@code Transfer-Encoding} other than {@code chunked}, or both of
 * them, make the whole head {@link Malformed}.
 */
final class HttpHead {

    /** What a header is to the router; {@link #OTHER} is passed on as it is. */
    static final byte OTHER = 0, HOST = 1, CONTENT_LENGTH = 2, TRANSFER_ENCODING = 3, CONNECTION = 4, UPGRADE = 5,
            COOKIE = 6, SET_COOKIE = 7, X_FORWARDED_FOR = 8, X_FORWARDED_PROTO = 9, X_FORWARDED_HOST = 10,
            X_VCAP_REQUEST_ID = 11, HOP_BY_HOP = 12;

    /** More headers than this in one message are refused. */
    static final int MAX_HEADERS = 500;

    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
    private static final byte[] HTTP_1_0 = ascii("HTTP/1.0");

    /** The head as received, its empty last line included. */
    final byte[] bytes;
    final boolean http10;
    /** Requests: where the method ends and the request target starts and ends. */
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    /** Responses: the status code, and where it starts (the rest of the status line is copied from there). */
    private int status;
    private int statusStart;
    private int startLineEnd;

    private int count;
    /** Per header: name start, name end, value start, value end (trimmed). */
    private final int[] positions;
    private final byte[] kinds;

    private long contentLength = -1;
    private boolean chunked;
    private int hosts;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean connectionUpgrade;
    /** Whether Connection names headers other than close, keep-alive and upgrade. */
    private boolean connectionNamesHeaders;
    /** The names a Connection header lists, in lower case; made when first asked for. */
    private Set<String> connectionNames;

    private HttpHead(byte[] bytes, boolean http10) {
        this.bytes = bytes;
        this.http10 = http10;
        int lines = 0;
        for (byte c : bytes) {
            if (c == '\n') {
                lines++;
            }
        }
        // Every header takes a line of its own besides the start line and the empty one: room for all, no more.
        int headers = Math.min(MAX_HEADERS, Math.max(0, lines - 2));
        positions = new int[4 * headers];
        kinds = new byte[headers];
    }

    /** A head that breaks the rules; parsing it stops at the first fault. */
    static final class Malformed extends RuntimeException {
        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    // --- parsing ---

    /** Parses a request head: {@code bytes} run from the request line to the empty line, both included. */
    static HttpHead request(byte[] bytes) {
        int lineEnd = lineEnd(bytes, 0);
        int methodEnd = indexOf(bytes, 0, lineEnd, (byte) ' ');
        if (methodEnd <= 0 || !allToken(bytes, 0, methodEnd)) {
            throw new Malformed("the request line does not start with a method");
        }
        int targetEnd = indexOf(bytes, methodEnd + 1, lineEnd, (byte) ' ');
        if (targetEnd <= methodEnd + 1) {
            throw new Malformed("the request line has no target or no version");
        }
        for (int i = methodEnd + 1; i < targetEnd; i++) {
            if (bytes[i] <= ' ' && bytes[i] >= 0 || bytes[i] == 0x7F) {
                throw new Malformed("the request target holds a control byte");
            }
        }
        HttpHead head = new HttpHead(bytes, version(bytes, targetEnd + 1, lineEnd));
        head.methodEnd = methodEnd;
        head.targetStart = methodEnd + 1;
        head.targetEnd = targetEnd;
        head.startLineEnd = lineEnd;
        head.parseHeaders(next(bytes, lineEnd));
        if (head.hosts > 1) {
            throw new Malformed("more than one Host header");
        }
        return head;
    }

    /** Parses a response head: {@code bytes} run from the status line to the empty line, both included. */
    static HttpHead response(byte[] bytes) {
        int lineEnd = lineEnd(bytes, 0);
        if (lineEnd < 12 || bytes[8] != ' ' || (lineEnd > 12 && bytes[12] != ' ')) {
            throw new Malformed("the status line is not 'HTTP/1.x <code> <reason>'");
        }
        HttpHead head = new HttpHead(bytes, version(bytes, 0, 8));
        int status = 0;
        for (int i = 9; i < 12; i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                throw new Malformed("the status code is not three digits");
            }
            status = status * 10 + bytes[i] - '0';
        }
        for (int i = 13; i < lineEnd; i++) {
            if (!valueByte(bytes[i])) {
                throw new Malformed("the reason phrase holds a control byte");
            }
        }
        head.status = status;
        head.statusStart = 9;
        head.startLineEnd = lineEnd;
        head.parseHeaders(next(bytes, lineEnd));
        return head;
    }

    private static boolean version(byte[] b, int start, int end) {
        if (end - start == 8 && Arrays.equals(b, start, end, HTTP_1_1, 0, 8)) {
            return false;
        }
        if (end - start == 8 && Arrays.equals(b, start, end, HTTP_1_0, 0, 8)) {
            return true;
        }
        throw new Malformed("not HTTP/1.0 or HTTP/1.1");
    }

    private void parseHeaders(int start) {
        byte[] b = bytes;
        int line = start;
        while (true) {
            int end = lineEnd(b, line);
            if (end == line) {
                break; // the empty line
            }
            if (b[line] == ' ' || b[line] == '\t') {
                throw new Malformed("a folded header line");
            }
            int colon = line;
            while (colon < end && b[colon] != ':') {
                if (!token(b[colon])) {
                    throw new Malformed("a header name with a byte that names may not hold, or a line without a colon");
                }
                colon++;
            }
            if (colon == end || colon == line) {
                throw new Malformed("a header line without a name or a colon");
            }
            int valueStart = colon + 1;
            int valueEnd = end;
            while (valueStart < valueEnd && (b[valueStart] == ' ' || b[valueStart] == '\t')) {
                valueStart++;
            }
            while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                if (!valueByte(b[i])) {
                    throw new Malformed("a header value with a control byte");
                }
            }
            add(line, colon, valueStart, valueEnd);
            line = next(b, end);
        }
        if (chunked && contentLength >= 0) {
            throw new Malformed("both Content-Length and Transfer-Encoding");
        }
        if (chunked && http10) {
            throw new Malformed("Transfer-Encoding in an HTTP/1.0 message");
        }
    }

    private void add(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        if (count == MAX_HEADERS) {
            throw new Malformed("more than " + MAX_HEADERS + " headers");
        }
        byte kind = kind(nameStart, nameEnd);
        int p = 4 * count;
        positions[p] = nameStart;
        positions[p + 1] = nameEnd;
        positions[p + 2] = valueStart;
        positions[p + 3] = valueEnd;
        kinds[count++] = kind;
        switch (kind) {
            case HOST -> hosts++;
            case CONTENT_LENGTH -> contentLength(valueStart, valueEnd);
            case TRANSFER_ENCODING -> {
                if (chunked || !equalsIgnoreCase(valueStart, valueEnd, "chunked")) {
                    throw new Malformed("a Transfer-Encoding other than one 'chunked'");
                }
                chunked = true;
            }
            case CONNECTION -> connectionTokens(valueStart, valueEnd);
            default -> {
            }
        }
    }

    private void contentLength(int start, int end) {
        if (end == start || end - start > 18) {
            throw new Malformed("a Content-Length that is not a number of bytes");
        }
        long length = 0;
        for (int i = start; i < end; i++) {
            byte c = bytes[i];
            if (c < '0' || c > '9') {
                throw new Malformed("a Content-Length that is not a number of bytes");
            }
            length = length * 10 + c - '0';
        }
        if (contentLength >= 0 && contentLength != length) {
            throw new Malformed("Content-Length headers that disagree");
        }
        contentLength = length;
    }

    private void connectionTokens(int start, int end) {
        int t = start;
        while (t < end) {
            int comma = indexOf(bytes, t, end, (byte) ',');
            int tokenEnd = comma < 0 ? end : comma;
            int s = t;
            int e = tokenEnd;
            while (s < e && (bytes[s] == ' ' || bytes[s] == '\t')) {
                s++;
            }
            while (e > s && (bytes[e - 1] == ' ' || bytes[e - 1] == '\t')) {
                e--;
            }
            if (equalsIgnoreCase(s, e, "close")) {
                connectionClose = true;
            } else if (equalsIgnoreCase(s, e, "keep-alive")) {
                connectionKeepAlive = true;
            } else if (equalsIgnoreCase(s, e, "upgrade")) {
                connectionUpgrade = true;
            } else if (e > s) {
                connectionNamesHeaders = true;
            }
            t = tokenEnd + 1;
        }
    }

    private byte kind(int start, int end) {
        return switch (end - start) {
            case 2 -> is(start, end, "te") ? HOP_BY_HOP : OTHER;
            case 4 -> is(start, end, "host") ? HOST : OTHER;
            case 6 -> is(start, end, "cookie") ? COOKIE : OTHER;
            case 7 -> is(start, end, "upgrade") ? UPGRADE : OTHER;
            case 10 -> is(start, end, "connection") ? CONNECTION
                    : is(start, end, "keep-alive") ? HOP_BY_HOP
                    : is(start, end, "set-cookie") ? SET_COOKIE : OTHER;
            case 14 -> is(start, end, "content-length") ? CONTENT_LENGTH : OTHER;
            case 15 -> is(start, end, "x-forwarded-for") ? X_FORWARDED_FOR : OTHER;
            case 16 -> is(start, end, "x-forwarded-host") ? X_FORWARDED_HOST
                    : is(start, end, "proxy-connection") ? HOP_BY_HOP : OTHER;
            case 17 -> is(start, end, "transfer-encoding") ? TRANSFER_ENCODING
                    : is(start, end, "x-forwarded-proto") ? X_FORWARDED_PROTO
                    : is(start, end, "x-vcap-request-id") ? X_VCAP_REQUEST_ID : OTHER;
            case 19 -> is(start, end, "proxy-authorization") ? HOP_BY_HOP : OTHER;
            default -> OTHER;
        };
    }

    // --- what the router reads ---

    int count() {
        return count;
    }

    byte kind(int header) {
        return kinds[header];
    }

    int nameStart(int header) {
        return positions[4 * header];
    }

    int nameEnd(int header) {
        return positions[4 * header + 1];
    }

    int valueStart(int header) {
        return positions[4 * header + 2];
    }

    int valueEnd(int header) {
        return positions[4 * header + 3];
    }

    String value(int header) {
        return string(valueStart(header), valueEnd(header));
    }

    /** The value of the first header of this kind, or null. */
    String first(byte kind) {
        for (int i = 0; i < count; i++) {
            if (kinds[i] == kind) {
                return value(i);
            }
        }
        return null;
    }

    boolean has(byte kind) {
        for (int i = 0; i < count; i++) {
            if (kinds[i] == kind) {
                return true;
            }
        }
        return false;
    }

    /** Whether the value of {@code header} holds {@code text} (ASCII, same case). */
    boolean valueContains(int header, String text) {
        int end = valueEnd(header) - text.length();
        outer:
        for (int i = valueStart(header); i <= end; i++) {
            for (int j = 0; j < text.length(); j++) {
                if (bytes[i + j] != text.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** -1 when the message says nothing of its length. */
    long contentLength() {
        return contentLength;
    }

    boolean chunked() {
        return chunked;
    }

    /** Whether the connection stays open after this message, by its version and Connection header. */
    boolean keepAlive() {
        return http10 ? connectionKeepAlive && !connectionClose : !connectionClose;
    }

    /** Whether {@code header} is named in a Connection header, so belongs to this hop only. */
    boolean namedByConnection(int header) {
        if (!connectionNamesHeaders) {
            return false;
        }
        if (connectionNames == null) { // read once per head, however many headers ask
            connectionNames = new HashSet<>();
            for (int c = 0; c < count; c++) {
                if (kinds[c] == CONNECTION) {
                    for (String token : value(c).split(",")) {
                        connectionNames.add(token.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return connectionNames.contains(string(nameStart(header), nameEnd(header)).toLowerCase(Locale.ROOT));
    }

    /** Whether the client asks to switch the connection to WebSocket (a request with a body cannot). */
    boolean webSocketUpgrade() {
        if (!connectionUpgrade || chunked || contentLength > 0) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (kinds[i] == UPGRADE) {
                for (String token : value(i).split(",")) {
                    if (token.trim().equalsIgnoreCase("websocket")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    boolean isHead() {
        return methodEnd == 4 && bytes[0] == 'H' && bytes[1] == 'E' && bytes[2] == 'A' && bytes[3] == 'D';
    }

    int methodEnd() {
        return methodEnd;
    }

    int targetEnd() {
        return targetEnd;
    }

    String target() {
        return string(targetStart, targetEnd);
    }

    int status() {
        return status;
    }

    int statusStart() {
        return statusStart;
    }

    int startLineEnd() {
        return startLineEnd;
    }

    // --- bytes ---

    /** Where the line starting at {@code from} ends, before its CR LF or LF; a lone CR is refused. */
    private static int lineEnd(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                return i > from && b[i - 1] == '\r' ? i - 1 : i;
            }
            if (b[i] == '\r' && (i + 1 == b.length || b[i + 1] != '\n')) {
                throw new Malformed("a CR that does not end a line");
            }
        }
        throw new Malformed("a line without its end");
    }

    /** The start of the line after the one that ends at {@code lineEnd}. */
    private static int next(byte[] b, int lineEnd) {
        return b[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
    }

    private static int indexOf(byte[] b, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private boolean is(int start, int end, String lowerCaseName) {
        return equalsIgnoreCase(start, end, lowerCaseName);
    }

    private boolean equalsIgnoreCase(int start, int end, String text) {
        if (end - start != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            int c = bytes[start + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            int t = text.charAt(i);
            if (t >= 'A' && t <= 'Z') {
                t += 'a' - 'A';
            }
            if (c != t) {
                return false;
            }
        }
        return true;
    }

    private String string(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static boolean allToken(byte[] b, int start, int end) {
        for (int i = start; i < end; i++) {
            if (!token(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110's tchar. */
    static boolean token(byte c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' || c == '+'
                || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~';
    }

    /** A byte a field value may hold: visible ASCII, space, tab, or any byte above ASCII. */
    static boolean valueByte(byte c) {
        return c < 0 || c >= ' ' && c != 0x7F || c == '\t';
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
