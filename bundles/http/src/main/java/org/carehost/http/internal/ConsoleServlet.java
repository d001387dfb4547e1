package org.carehost.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The web console under {@code /console/}: four files from this bundle (one page, its two scripts and its style), with a
 * Content-Security-Policy that allows only this origin's script and style, so that a string that slipped into the page
 * as markup still could not run. The page itself talks to {@code /api/v1} with the session cookie and CSRF token.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/console/*",
        "osgi.http.whiteboard.servlet.name=carehost-console"
})
public final class ConsoleServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The only files served, by name, with their types: nothing else of the bundle is reachable. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html",
            "console.js", "text/javascript",
            "pages.js", "text/javascript",
            "console.css", "text/css");

    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) {
            response.sendRedirect(request.getContextPath() + "/console/");
            return;
        }
        String name = path.equals("/") ? "index.html" : path.substring(1);
        String type = FILES.get(name);
        if (type == null) {
            response.sendError(404, "No such page; the console is at /console/");
            return;
        }
        byte[] bytes;
        try (InputStream in = ConsoleServlet.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                response.sendError(500, "The console's " + name + " is missing from the bundle");
                return;
            }
            bytes = in.readAllBytes();
        }
        response.setContentType(type);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
