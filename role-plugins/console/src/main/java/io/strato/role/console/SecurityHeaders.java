package io.strato.role.console;

import java.util.Map;
import javax.servlet.http.HttpServletResponse;

/**
 * The headers every console response carries. The console shows data other users chose (app names, log
 * lines, service names), so the browser is told to run only the console's own scripts and styles, never to
 * frame it, sniff types or leak its URLs.
 */
final class SecurityHeaders {

    /** No inline script or style, no plugins, no other origins: the API is on the same origin. */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            // a new console version must reach browsers at once; the files are small
            "Cache-Control", "no-cache");

    private SecurityHeaders() {
    }

    static void apply(HttpServletResponse response) {
        HEADERS.forEach(response::setHeader);
    }
}
