package org.carehost.http.internal;

import java.io.IOException;
import java.util.EnumSet;
import java.util.function.Supplier;

import org.carehost.audit.AuditLog;
import org.carehost.operators.LoginRefusedException;
import org.carehost.operators.Logins;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginManager;
import org.carehost.security.SecurityAdmin;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /metrics} in the Prometheus text format (the Prometheus client's Jakarta servlet over a registry of this
 * component's own: {@link ContainerMetrics} and the client's JVM metrics). A scraper sends an API token
 * ({@code Authorization: Bearer}) of an account whose role may read metrics: {@link #READERS}, besides admin. No
 * session cookies: metrics are read by machines. Health ({@code /health/*}) stays open.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/metrics",
        "osgi.http.whiteboard.servlet.name=carehost-metrics"
})
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /**
     * Who may read metrics besides admin: the operator role (plugin lifecycle, no PHI). Metrics carry plugin names
     * and counts, never patient data; auditors and hospital admins have no use for the container's load.
     */
    static final java.util.Set<Role> READERS = org.carehost.operators.OperatorRights.READ_METRICS;

    private final transient Logins logins;
    private final transient RefusedRequests refused;
    private final transient ObjectMapper json = new ObjectMapper();
    private final transient Supplier<PrometheusRegistry> registry;
    /** Made at the first scrape, not at activation: see {@link #exporter()}. */
    private transient PrometheusMetricsServlet exporter;
    private transient ServletConfig config;

    @Activate
    public MetricsServlet(BundleContext context, @Reference Logins logins, @Reference PluginCalls calls,
            @Reference PluginManager plugins, @Reference SecurityAdmin security, @Reference AuditLog audit,
            @Reference Store store, @Reference org.carehost.operators.Refusals refusals) {
        this.logins = logins;
        this.refused = new RefusedRequests(refusals);
        this.registry = () -> {
            PrometheusRegistry metrics = new PrometheusRegistry();
            metrics.register(new ContainerMetrics(calls, plugins, security, audit, store, context));
            JvmMetrics.builder().register(metrics);
            return metrics;
        };
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        this.config = config;
    }

    /**
     * The Prometheus client's servlet over the registry, made at the first scrape. Felix HTTP's whiteboard makes and
     * initialises this servlet as soon as it is registered, on the start-level thread, where the JVM metrics' set-up
     * (the native-memory metrics run a diagnostic command to see whether native memory tracking is on) and the
     * client's properties were about 4 % of a warm start's samples; a scrape's values are read at each scrape anyway.
     */
    private synchronized PrometheusMetricsServlet exporter() throws ServletException {
        if (exporter == null) {
            PrometheusMetricsServlet made = new PrometheusMetricsServlet(registry.get());
            made.init(config);
            exporter = made;
        }
        return exporter;
    }

    @Override
    public void destroy() {
        synchronized (this) {
            if (exporter != null) {
                exporter.destroy();
                exporter = null;
            }
        }
        super.destroy();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException,
            ServletException {
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            response.setHeader("Allow", "GET, HEAD");
            Problems.write(json, request, response, 405, "method-not-allowed", "Method not allowed",
                    "/metrics is read with GET");
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            response.setHeader("WWW-Authenticate", "Bearer");
            refused.refused(request, 401, null, "no bearer token");
            Problems.write(json, request, response, 401, "unauthorized", "Unauthorized", "/metrics needs an API "
                    + "token: 'Authorization: Bearer <token>' (user:token <account>) of an account with the role "
                    + "admin or " + Role.text(READERS));
            return;
        }
        Operator operator;
        try {
            operator = logins.token(authorization.substring(7).strip(), "http " + request.getRemoteAddr());
        } catch (LoginRefusedException e) {
            response.setHeader("WWW-Authenticate", "Bearer");
            Problems.write(json, request, response, 401, "unauthorized", "Unauthorized", e.getMessage());
            return;
        }
        if (!operator.isAdmin() && operator.roles().stream().noneMatch(READERS::contains)) {
            refused.refused(request, 403, operator, "role " + Role.text(operator.roles()) + " may not read /metrics");
            Problems.write(json, request, response, 403, "forbidden", "Forbidden", operator.name() + " ("
                    + Role.text(operator.roles()) + ") may not read /metrics; it needs the role admin or "
                    + Role.text(READERS));
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        exporter().service(request, response);
    }
}
