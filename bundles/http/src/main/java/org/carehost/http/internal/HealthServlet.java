package org.carehost.http.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
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
 * finds nothing missing (the Felix Health Checks tagged systemready), else 503 listing what is not ready). No authentication, and nothing about patients or plugins'
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
    private volatile transient HealthCheckExecutor healthChecks;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        Map<String, Object> body = new LinkedHashMap<>();
        int status;
        if (path.equals("/live")) {
            status = 200;
            body.put("status", "UP");
        } else if (path.equals("/ready")) {
            List<String> missing = notReady();
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

    /**
     * What the Felix Health Checks tagged {@code systemready} (the container's readiness, the same answer
     * {@code carehost:status} and script mode use) say is not ready; empty when every one is OK.
     */
    private List<String> notReady() {
        HealthCheckExecutor executor = healthChecks;
        if (executor == null) {
            return List.of("the health check executor is not running");
        }
        List<HealthCheckExecutionResult> results = executor.execute(HealthCheckSelector.tags("systemready"));
        if (results.isEmpty()) {
            return List.of("no readiness check is registered yet");
        }
        List<String> missing = new java.util.ArrayList<>();
        for (HealthCheckExecutionResult result : results) {
            Result outcome = result.getHealthCheckResult();
            // WARN is ready: a part that runs degraded and says so (the SSH shell while its port is taken)
            if (outcome.getStatus() != Result.Status.OK && outcome.getStatus() != Result.Status.WARN) {
                for (ResultLog.Entry entry : outcome) {
                    if (entry.getStatus() != Result.Status.OK) {
                        missing.add(entry.getMessage());
                    }
                }
            }
        }
        return missing;
    }
}
