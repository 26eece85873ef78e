package io.strato.role.router;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.cookie.ClientCookieDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;

/**
 * Session affinity as gorouter does it: when an app starts a session (sets {@code JSESSIONID}), the
 * router adds a {@code __VCAP_ID__} cookie naming the instance, and later requests carrying it go to
 * that instance while it lives.
 */
final class StickySession {

    static final String VCAP_ID = "__VCAP_ID__";
    static final String SESSION_COOKIE = "JSESSIONID";

    private StickySession() {
    }

    /** The instance the client is stuck to, or null. */
    static String requestedInstance(HttpRequest request) {
        if (!request.headers().contains(HttpHeaderNames.COOKIE)) {
            return null;
        }
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            if (header.contains(VCAP_ID)) {
                for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
                    if (VCAP_ID.equals(cookie.name())) {
                        return cookie.value();
                    }
                }
            }
        }
        return null;
    }

    /**
     * Adds {@code __VCAP_ID__=<instanceId>} to the response when the app set a session cookie, or
     * when the client asked for an instance that is gone and now talks to another one.
     */
    static void stick(HttpResponse response, String instanceId, boolean movedFromAnotherInstance) {
        if (!movedFromAnotherInstance && !response.headers().contains(HttpHeaderNames.SET_COOKIE)) {
            return;
        }
        Cookie session = null;
        for (String header : response.headers().getAll(HttpHeaderNames.SET_COOKIE)) {
            if (header.contains(VCAP_ID)) {
                return; // the app manages affinity itself
            }
            if (session == null && header.contains(SESSION_COOKIE)) {
                Cookie cookie = ClientCookieDecoder.LAX.decode(header);
                if (cookie != null && SESSION_COOKIE.equals(cookie.name())) {
                    session = cookie;
                }
            }
        }
        if (session == null && !movedFromAnotherInstance) {
            return;
        }
        DefaultCookie vcapId = new DefaultCookie(VCAP_ID, instanceId);
        vcapId.setPath("/");
        vcapId.setHttpOnly(true);
        if (session != null) {
            // Same lifetime and scope as the session, so the two disappear together.
            vcapId.setMaxAge(session.maxAge());
            vcapId.setSecure(session.isSecure());
            if (session instanceof DefaultCookie dc && dc.sameSite() != null) {
                vcapId.setSameSite(dc.sameSite());
            }
        }
        response.headers().add(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.LAX.encode(vcapId));
    }
}
