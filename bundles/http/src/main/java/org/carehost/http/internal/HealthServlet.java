package org.carehost.http.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.carehost.console.ContainerReadiness;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /health/live} (200 while the container answers) and {@code /health/ready} (200 when the console's readiness
 * finds nothing missing, else 503 listing what is not ready). No authentication, and nothing about patients or plugins'
 * data: only the container's own state.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/health/*",
        "osgi.http.whiteboard.servlet.name=carehost-health"
})
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient ObjectMapper json = new ObjectMapper();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile transient ContainerReadiness readiness;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        Map<String, Object> body = new LinkedHashMap<>();
        int status;
        if (path.equals("/live")) {
            status = 200;
            body.put("status", "UP");
        } else if (path.equals("/ready")) {
            ContainerReadiness current = readiness;
            List<String> missing = current == null ? List.of("the console's readiness check is not registered")
                    : current.notReady();
            status = missing.isEmpty() ? 200 : 503;
            body.put("status", missing.isEmpty() ? "UP" : "DOWN");
            body.put("notReady", missing);
        } else {
            Problems.write(json, request, response, 404, "not-found", "Not found", "Health is at /health/live and "
                    + "/health/ready");
            return;
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getOutputStream(), body);
    }
}
