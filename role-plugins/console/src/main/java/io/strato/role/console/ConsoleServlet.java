package io.strato.role.console;

import io.strato.api.app.PlatformHosts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Serves the console's static files from this bundle at {@code /console/}, each with the
 * {@link SecurityHeaders}. Everything the console does goes through the REST API on the same origin.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern(PlatformHosts.CONSOLE_PATH + "*")
public class ConsoleServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** Where the files are inside the bundle. */
    static final String ROOT = "/web";
    /** Plain file paths only: no "..", no empty segments, no encoded tricks. */
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    private final transient Function<String, URL> files;

    public ConsoleServlet() {
        this(path -> ConsoleServlet.class.getResource(ROOT + path));
    }

    ConsoleServlet(Function<String, URL> files) {
        this.files = files;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SecurityHeaders.apply(response);
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            plain(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed");
            return;
        }
        String path = request.getPathInfo();
        if (path == null) {
            response.sendRedirect(PlatformHosts.CONSOLE_PATH);
            return;
        }
        if (path.equals("/")) {
            path = "/index.html";
        }
        String type = type(path);
        URL file = SAFE_PATH.matcher(path).matches() && type != null ? files.apply(path) : null;
        if (file == null) {
            plain(response, HttpServletResponse.SC_NOT_FOUND, "Not found: " + request.getRequestURI());
            return;
        }
        response.setContentType(type);
        try (InputStream in = file.openStream()) {
            byte[] body = in.readAllBytes();
            response.setContentLength(body.length);
            if ("GET".equals(method)) {
                try (OutputStream out = response.getOutputStream()) {
                    out.write(body);
                }
            }
        }
    }

    private static String type(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static void plain(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain; charset=utf-8");
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }
}
