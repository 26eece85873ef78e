package io.strato.role.router;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** The answers the router gives itself, worded and tagged as Cloud Foundry's gorouter does. */
final class RouterErrors {

    static final String ROUTER_ERROR = "X-Cf-RouterError";

    private RouterErrors() {
    }

    static FullHttpResponse unknownRoute(String host) {
        return error(HttpResponseStatus.NOT_FOUND, "Requested route ('" + host + "') does not exist.", "unknown_route");
    }

    static FullHttpResponse endpointFailure() {
        return error(HttpResponseStatus.BAD_GATEWAY, "Registered endpoint failed to handle the request.", "endpoint_failure");
    }

    static FullHttpResponse emptyHost() {
        return error(HttpResponseStatus.BAD_REQUEST, "Request had empty Host header", "empty_host");
    }

    static FullHttpResponse malformedRequest() {
        return error(HttpResponseStatus.BAD_REQUEST, "Malformed request", null);
    }

    private static FullHttpResponse error(HttpResponseStatus status, String message, String routerError) {
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + message + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set("X-Content-Type-Options", "nosniff")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (routerError != null) {
            response.headers().set(ROUTER_ERROR, routerError);
        }
        return response;
    }
}
