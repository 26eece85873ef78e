package io.strato.role.router;

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
    static String requestedInstance(HttpHead request) {
        for (int h = 0; h < request.count(); h++) {
            if (request.kind(h) == HttpHead.COOKIE && request.valueContains(h, VCAP_ID)) {
                for (Cookie cookie : ServerCookieDecoder.LAX.decode(request.value(h))) {
                    if (VCAP_ID.equals(cookie.name())) {
                        return cookie.value();
                    }
                }
            }
        }
        return null;
    }

    /**
     * The {@code __VCAP_ID__=<instanceId>} cookie to add to the response when the app set a session
     * cookie, or when the client asked for an instance that is gone and now talks to another one; null
     * when none is needed.
     */
    static String cookieFor(HttpHead response, String instanceId, boolean movedFromAnotherInstance) {
        Cookie session = null;
        for (int h = 0; h < response.count(); h++) {
            if (response.kind(h) != HttpHead.SET_COOKIE) {
                continue;
            }
            if (response.valueContains(h, VCAP_ID)) {
                return null; // the app manages affinity itself
            }
            if (session == null && response.valueContains(h, SESSION_COOKIE)) {
                Cookie cookie = ClientCookieDecoder.LAX.decode(response.value(h));
                if (cookie != null && SESSION_COOKIE.equals(cookie.name())) {
                    session = cookie;
                }
            }
        }
        if (session == null && !movedFromAnotherInstance) {
            return null;
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
        return ServerCookieEncoder.LAX.encode(vcapId);
    }
}
