package io.strato.role.router;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Header rules of a proxy: hop-by-hop headers stay on their hop, forwarding headers tell the app who asked. */
final class ProxyHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");
    static final AsciiString X_VCAP_REQUEST_ID = AsciiString.cached("X-Vcap-Request-Id");

    private ProxyHeaders() {
    }

    /**
     * The host name a request is for: the Host header in lower case without its port; null when
     * there is none.
     */
    static String host(HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            return null;
        }
        host = host.trim();
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

    /** Whether the client asks to switch this connection to WebSocket. */
    static boolean isWebSocketUpgrade(HttpRequest request) {
        HttpHeaders h = request.headers();
        // contains(name) looks the name up without the value iterator the other checks allocate
        return h.contains(HttpHeaderNames.UPGRADE)
                && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && h.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /**
     * Whether the connection stays open after this message, as {@link HttpUtil#isKeepAlive} says, without
     * walking the headers when there is no Connection header (the common case of HTTP/1.1).
     */
    static boolean isKeepAlive(HttpMessage message) {
        return message.headers().contains(HttpHeaderNames.CONNECTION)
                ? HttpUtil.isKeepAlive(message)
                : message.protocolVersion().isKeepAliveDefault();
    }

    /** Whether the message's body is chunked, without walking the headers when there is no Transfer-Encoding. */
    static boolean isChunked(HttpMessage message) {
        return message.headers().contains(HttpHeaderNames.TRANSFER_ENCODING) && HttpUtil.isTransferEncodingChunked(message);
    }

    /** The request id the client sent, or a new random one. */
    static String requestId(HttpRequest request) {
        String id = request.headers().get(X_VCAP_REQUEST_ID);
        if (id != null && !id.isBlank()) {
            return id;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // A version 4 UUID without SecureRandom, which would serialise all event loops on one lock.
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(msb, lsb).toString();
    }

    /** Turns the client's request into the one sent to the instance. */
    static void prepareRequest(HttpRequest request, String clientIp, String requestId, boolean upgrade) {
        HttpHeaders h = request.headers();
        String originalHost = h.get(HttpHeaderNames.HOST);
        removeHopByHop(h);
        if (upgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else {
            h.remove(HttpHeaderNames.UPGRADE);
        }
        String forwardedFor = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, forwardedFor == null || forwardedFor.isBlank() ? clientIp : forwardedFor + ", " + clientIp);
        // A load balancer in front of the routers may have ended TLS: keep what it says.
        if (!h.contains(X_FORWARDED_PROTO)) {
            h.set(X_FORWARDED_PROTO, "http");
        }
        if (!h.contains(X_FORWARDED_HOST) && originalHost != null) {
            h.set(X_FORWARDED_HOST, originalHost);
        }
        h.set(X_VCAP_REQUEST_ID, requestId);
    }

    /** Removes what concerns only the connection the message came on. */
    static void removeHopByHop(HttpHeaders h) {
        if (h.contains(HttpHeaderNames.CONNECTION)) {
            for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
                for (String token : value.split(",")) {
                    String name = token.trim();
                    if (!name.isEmpty() && !HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name)) {
                        h.remove(name);
                    }
                }
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    }

    /** Says on the message whether the connection stays open after it, in the client's version's terms. */
    static void setKeepAlive(HttpMessage message, boolean keepAlive, boolean clientIsHttp10) {
        if (!keepAlive) {
            message.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientIsHttp10) {
            message.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }
}
