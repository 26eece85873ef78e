package io.strato.role.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header rules of a proxy, applied while a head is copied to the next hop: hop-by-hop headers stay on
 * their hop, forwarding headers tell the app who asked, every line leaves with CR LF.
 */
final class ProxyHeaders {

    static final String X_VCAP_REQUEST_ID = "X-Vcap-Request-Id";

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
    // The lines and names the router writes, as bytes once.
    private static final byte[] CONNECTION_UPGRADE = ascii("Connection: Upgrade\r\n");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] TRANSFER_ENCODING_CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] X_FORWARDED_PROTO_HTTP = ascii("X-Forwarded-Proto: http\r\n");
    private static final byte[] X_FORWARDED_FOR_ = ascii("X-Forwarded-For: ");
    private static final byte[] X_FORWARDED_HOST_ = ascii("X-Forwarded-Host: ");
    private static final byte[] X_VCAP_REQUEST_ID_ = ascii(X_VCAP_REQUEST_ID + ": ");
    private static final byte[] SET_COOKIE_ = ascii("Set-Cookie: ");

    private ProxyHeaders() {
    }

    /**
     * The host name a request is for: the Host header in lower case without its port; null when
     * there is none.
     */
    static String host(HttpHead request) {
        String host = request.first(HttpHead.HOST);
        if (host == null) {
            return null;
        }
        int end = host.length();
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0 && colon == host.lastIndexOf(':')) {
                end = colon;
            }
        }
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--; // "app.example.com." is the same name
        }
        return end == 0 ? null : host.substring(0, end).toLowerCase(Locale.ROOT);
    }

    /** The request id the client sent, or a new random one. */
    static String requestId(HttpHead request) {
        String id = request.first(HttpHead.X_VCAP_REQUEST_ID);
        if (id != null && !id.isEmpty()) {
            return id;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // A version 4 UUID without SecureRandom, which would serialise all event loops on one lock.
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(msb, lsb).toString();
    }

    /**
     * The request as the instance gets it: HTTP/1.1 whatever the client spoke (so the connection to the
     * instance stays open), without the client's hop-by-hop headers, with X-Forwarded-For, -Proto and
     * -Host and the request id.
     */
    static ByteBuf request(HttpHead request, String clientIp, String requestId, boolean upgrade, ByteBufAllocator alloc) {
        byte[] b = request.bytes;
        ByteBuf out = alloc.buffer(b.length + 160 + clientIp.length());
        out.writeBytes(b, 0, request.targetEnd() + 1).writeBytes(HTTP_1_1).writeBytes(CRLF);
        String forwardedFor = null;
        String originalHost = null;
        boolean lengthCopied = false;
        for (int h = 0; h < request.count(); h++) {
            switch (request.kind(h)) {
                case HttpHead.CONNECTION, HttpHead.HOP_BY_HOP, HttpHead.X_VCAP_REQUEST_ID -> {
                }
                // Framing goes on whatever Connection names: the body is sent as the router read it.
                case HttpHead.CONTENT_LENGTH -> {
                    if (!lengthCopied) { // repeated with the same value, as the head allows: once is enough
                        copy(request, h, out);
                        lengthCopied = true;
                    }
                }
                case HttpHead.TRANSFER_ENCODING -> copy(request, h, out);
                case HttpHead.X_FORWARDED_FOR -> forwardedFor = forwardedFor == null ? request.value(h) : forwardedFor + ", " + request.value(h);
                case HttpHead.UPGRADE -> {
                    if (upgrade) {
                        copy(request, h, out);
                    }
                }
                case HttpHead.HOST -> {
                    originalHost = request.value(h);
                    copy(request, h, out);
                }
                default -> {
                    if (!request.namedByConnection(h)) {
                        copy(request, h, out);
                    }
                }
            }
        }
        if (upgrade) {
            out.writeBytes(CONNECTION_UPGRADE);
        }
        line(out, X_FORWARDED_FOR_, forwardedFor == null || forwardedFor.isBlank() ? clientIp : forwardedFor + ", " + clientIp);
        // A load balancer in front of the routers may have ended TLS: keep what it says.
        if (!request.has(HttpHead.X_FORWARDED_PROTO)) {
            out.writeBytes(X_FORWARDED_PROTO_HTTP);
        }
        if (!request.has(HttpHead.X_FORWARDED_HOST) && originalHost != null) {
            line(out, X_FORWARDED_HOST_, originalHost);
        }
        line(out, X_VCAP_REQUEST_ID_, requestId);
        return out.writeBytes(CRLF);
    }

    /** How an answer's body goes to the client. */
    enum Body {
        /** As the instance framed it (a length, chunks, or nothing). */
        AS_IS,
        /** In chunks the router makes: the instance's answer ends when it closes, the client speaks HTTP/1.1. */
        CHUNKED,
        /** Plain bytes ended by closing: the client speaks HTTP/1.0 and cannot read chunks. */
        UNTIL_CLOSE
    }

    /**
     * A final answer as the client gets it: HTTP/1.1, without the instance's hop-by-hop headers, framed
     * as {@code body} says, saying whether the connection stays open, with the request id and, when
     * {@code vcapIdCookie} is not null, the sticky-session cookie.
     */
    static ByteBuf response(HttpHead response, Body body, boolean keepAlive, boolean clientIsHttp10, String requestId,
                            String vcapIdCookie, ByteBufAllocator alloc) {
        byte[] b = response.bytes;
        ByteBuf out = alloc.buffer(b.length + 160);
        statusLine(response, out);
        for (int h = 0; h < response.count(); h++) {
            switch (response.kind(h)) {
                case HttpHead.CONNECTION, HttpHead.HOP_BY_HOP, HttpHead.UPGRADE, HttpHead.X_VCAP_REQUEST_ID -> {
                }
                // Framing goes on whatever Connection names: the body is sent as the router read it.
                case HttpHead.CONTENT_LENGTH -> copy(response, h, out);
                case HttpHead.TRANSFER_ENCODING -> {
                    if (body == Body.AS_IS) {
                        copy(response, h, out);
                    }
                }
                default -> {
                    if (!response.namedByConnection(h)) {
                        copy(response, h, out);
                    }
                }
            }
        }
        if (body == Body.CHUNKED) {
            out.writeBytes(TRANSFER_ENCODING_CHUNKED);
        }
        if (!keepAlive) {
            out.writeBytes(CONNECTION_CLOSE);
        } else if (clientIsHttp10) {
            out.writeBytes(CONNECTION_KEEP_ALIVE);
        }
        line(out, X_VCAP_REQUEST_ID_, requestId);
        if (vcapIdCookie != null) {
            line(out, SET_COOKIE_, vcapIdCookie);
        }
        return out.writeBytes(CRLF);
    }

    /**
     * An interim answer ({@code 100 Continue}, or {@code 101 Switching Protocols} to a WebSocket upgrade)
     * with its headers as the instance sent them, and the request id.
     */
    static ByteBuf interim(HttpHead response, String requestId, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(response.bytes.length + 80);
        statusLine(response, out);
        for (int h = 0; h < response.count(); h++) {
            if (response.kind(h) != HttpHead.X_VCAP_REQUEST_ID) {
                copy(response, h, out);
            }
        }
        line(out, X_VCAP_REQUEST_ID_, requestId);
        return out.writeBytes(CRLF);
    }

    private static void statusLine(HttpHead response, ByteBuf out) {
        out.writeBytes(HTTP_1_1).writeByte(' ')
                .writeBytes(response.bytes, response.statusStart(), response.startLineEnd() - response.statusStart())
                .writeBytes(CRLF);
    }

    private static void copy(HttpHead head, int h, ByteBuf out) {
        byte[] b = head.bytes;
        out.writeBytes(b, head.nameStart(h), head.nameEnd(h) - head.nameStart(h)).writeByte(':').writeByte(' ')
                .writeBytes(b, head.valueStart(h), head.valueEnd(h) - head.valueStart(h)).writeBytes(CRLF);
    }

    /** Writes a header line; {@code nameAndColon} is the name followed by ": ". */
    private static void line(ByteBuf out, byte[] nameAndColon, String value) {
        out.writeBytes(nameAndColon).writeBytes(value.getBytes(StandardCharsets.ISO_8859_1)).writeBytes(CRLF);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
