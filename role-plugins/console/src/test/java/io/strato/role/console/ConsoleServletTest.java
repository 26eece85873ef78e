package io.strato.role.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

/** The console's files and the security headers on every answer, errors included. */
class ConsoleServletTest {

    /** What the servlet answered. */
    static final class Answer {
        int status = 200;
        String contentType;
        String redirect;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private static Answer call(javax.servlet.http.HttpServlet servlet, String method, String pathInfo) throws Exception {
        Answer a = new Answer();
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(ConsoleServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getPathInfo" -> pathInfo;
                    case "getRequestURI" -> "/console" + (pathInfo == null ? "" : pathInfo);
                    default -> null;
                });
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }

            @Override
            public void write(int b) {
                a.body.write(b);
            }
        };
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(ConsoleServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "setHeader" -> a.headers.put((String) args[0], (String) args[1]);
                        case "setStatus" -> a.status = (int) args[0];
                        case "setContentType" -> a.contentType = (String) args[0];
                        case "sendRedirect" -> {
                            a.status = 302;
                            a.redirect = (String) args[0];
                        }
                        case "getOutputStream" -> {
                            return out;
                        }
                        default -> {
                        }
                    }
                    return null;
                });
        servlet.service(request, response);
        return a;
    }

    private static void assertSecurityHeaders(Answer a) {
        String csp = a.headers.get("Content-Security-Policy");
        assertTrue(csp.contains("default-src 'self'"), csp);
        assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertEquals("DENY", a.headers.get("X-Frame-Options"));
        assertEquals("nosniff", a.headers.get("X-Content-Type-Options"));
        assertEquals("no-referrer", a.headers.get("Referrer-Policy"));
    }

    @Test
    void theIndexIsServedWithTheSecurityHeaders() throws Exception {
        Answer a = call(new ConsoleServlet(), "GET", "/");
        assertEquals(200, a.status);
        assertEquals("text/html; charset=utf-8", a.contentType);
        assertTrue(a.text().contains("<script type=\"module\" src=\"js/main.js\"></script>"), a.text());
        assertSecurityHeaders(a);
    }

    @Test
    void theShippedHtmlHasNoInlineScriptOrStyle() throws Exception {
        String html = call(new ConsoleServlet(), "GET", "/index.html").text();
        assertFalse(html.contains("style="), "inline style attribute");
        assertFalse(html.contains("<style"), "inline style element");
        assertFalse(html.matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*"), "inline script");
        assertFalse(html.matches("(?s).*\\son[a-z]+=.*"), "inline event handler");
    }

    @Test
    void scriptsAndStylesHaveTheirTypes() throws Exception {
        assertEquals("text/javascript; charset=utf-8", call(new ConsoleServlet(), "GET", "/js/main.js").contentType);
        assertEquals("text/css; charset=utf-8", call(new ConsoleServlet(), "GET", "/css/console.css").contentType);
        Answer head = call(new ConsoleServlet(), "HEAD", "/js/main.js");
        assertEquals(200, head.status);
        assertEquals(0, head.body.size(), "HEAD has no body");
    }

    @Test
    void unknownAndTraversingPathsAre404WithTheHeadersToo() throws Exception {
        for (String path : new String[] {"/nope.js", "/../ConsoleServlet.class", "/js/../../io/strato/role/console/ConsoleServlet.class",
                "//etc/passwd", "/io/strato/role/console/ConsoleServlet.class", "/js"}) {
            Answer a = call(new ConsoleServlet(), "GET", path);
            assertEquals(404, a.status, path);
            assertEquals("text/plain; charset=utf-8", a.contentType);
            assertSecurityHeaders(a);
        }
    }

    @Test
    void otherMethodsAreRefused() throws Exception {
        Answer a = call(new ConsoleServlet(), "POST", "/index.html");
        assertEquals(405, a.status);
        assertEquals("GET, HEAD", a.headers.get("Allow"));
        assertSecurityHeaders(a);
    }

    @Test
    void theConsoleWithoutItsSlashRedirectsToIt() throws Exception {
        Answer a = call(new ConsoleServlet(), "GET", null);
        assertEquals("/console/", a.redirect);
        assertSecurityHeaders(a);
        assertNull(a.contentType);
    }
}
