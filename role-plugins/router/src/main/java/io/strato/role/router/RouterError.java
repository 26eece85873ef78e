package io.strato.role.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/** The answers the router gives itself, worded and tagged as Cloud Foundry's gorouter does. */
record RouterError(int status, String reason, String message, String tag) {

    static final String ROUTER_ERROR = "X-Cf-RouterError";

    static RouterError unknownRoute(String host) {
        return new RouterError(404, "Not Found", "Requested route ('" + host + "') does not exist.", "unknown_route");
    }

    static RouterError endpointFailure() {
        return new RouterError(502, "Bad Gateway", "Registered endpoint failed to handle the request.", "endpoint_failure");
    }

    static RouterError emptyHost() {
        return new RouterError(400, "Bad Request", "Request had empty Host header", "empty_host");
    }

    static RouterError malformedRequest() {
        return new RouterError(400, "Bad Request", "Malformed request", null);
    }

    static RouterError headTimeout() {
        return new RouterError(408, "Request Timeout", "The request's line and headers took too long to arrive.", null);
    }

    /** The whole answer, saying whether the connection stays open, with the request id when there is one. */
    ByteBuf encode(ByteBufAllocator alloc, boolean keepAlive, boolean clientIsHttp10, String requestId) {
        byte[] body = (status + " " + reason + ": " + message + "\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("X-Content-Type-Options: nosniff\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        if (tag != null) {
            head.append(ROUTER_ERROR).append(": ").append(tag).append("\r\n");
        }
        if (requestId != null) {
            head.append(ProxyHeaders.X_VCAP_REQUEST_ID).append(": ").append(requestId).append("\r\n");
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        } else if (clientIsHttp10) {
            head.append("Connection: keep-alive\r\n");
        }
        head.append("\r\n");
        ByteBuf out = alloc.buffer(head.length() + body.length);
        out.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        return out.writeBytes(body);
    }
}
