package io.strato.console;

import io.strato.api.app.PlatformHosts;
import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * A browser opening the node, {@code http://api.<domain>/} or {@code http://console.<domain>/} lands in the
 * console. The empty pattern matches the root only, so the API's own paths are untouched.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("")
public class RootRedirect extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SecurityHeaders.apply(response);
        response.sendRedirect(PlatformHosts.CONSOLE_PATH);
    }
}
