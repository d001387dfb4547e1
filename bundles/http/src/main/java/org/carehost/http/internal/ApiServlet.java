package org.carehost.http.internal;

import java.io.IOException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.context.PluginSettings;
import org.carehost.context.Tenants;
import org.carehost.operators.LoginRefusedException;
import org.carehost.operators.Logins;
import org.carehost.operators.Operator;
import org.carehost.operators.OperatorAccounts;
import org.carehost.operators.Role;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginNotFoundException;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.audit.AuditLog;
import org.carehost.audit.FhirExport;
import org.carehost.security.SecurityAdmin;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /api/v1}: finds the route, authenticates (a bearer token, or the session cookie plus the CSRF token on every
 * state change), checks the route's roles, binds a care context naming the operator, runs the handler, and writes
 * JSON, or a problem (RFC 9457) for every error.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/api/v1/*",
        "osgi.http.whiteboard.servlet.name=carehost-api"
})
public final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Logins logins;
    private final transient RefusedRequests refused;
    private final transient ContextBinder binder;
    private final transient WebSessions sessions;
    private final transient ObjectMapper json;
    /** The servlet's own routes; with those of the {@link RouteSource}s present, the route table. */
    private final transient List<Route> own;
    private final transient List<RouteSource> sources = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile transient List<Route> routes;
    private volatile transient Map<String, Object> openApi;

    @Activate
    public ApiServlet(@Reference PluginManager plugins, @Reference Tenants tenants,
            @Reference OperatorAccounts accounts, @Reference Logins logins, @Reference ContextBinder binder,
            // --- the hospital's routes (tenants, per-tenant plugins and settings, audit, users): AdminRoutes
            BundleContext bundleContext, @Reference SecurityAdmin security, @Reference PluginSettings settings,
            @Reference AuditLog auditLog, @Reference FhirExport fhir,
            @Reference PluginUploads uploads, @Reference(target = ContainerClock.TARGET) Clock clock,
            @Reference org.carehost.operators.Refusals refusals, @Reference org.carehost.context.BreakGlass breakGlass) {
        this.logins = logins;
        this.refused = new RefusedRequests(refusals);
        this.binder = binder;
        this.sessions = new WebSessions(clock, logins);
        this.json = new ObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).registerModule(
                new com.fasterxml.jackson.databind.module.SimpleModule("carehost-times").addSerializer(
                        java.time.Instant.class, com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance));
        List<Route> all = new java.util.ArrayList<>(new Endpoints(plugins, tenants, accounts, logins, sessions, json,
                new Audits(auditLog, binder)).routes());
        // --- the hospital's routes (issue 19 items 4 and 6): kept in AdminRoutes
        all.addAll(AdminRoutes.routes(bundleContext, plugins, tenants, accounts, security, settings, auditLog, fhir,
                binder, json, breakGlass, clock));
        all.addAll(uploads.routes()); // plugin upload (PluginUploads)
        all.add(new Route("GET", "/session", false, java.util.EnumSet.allOf(Role.class), "This browser session's CSRF "
                + "token again (for a new tab of the console); only with the session cookie", this::sessionAgain));
        this.own = List.copyOf(all);
        rebuild();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(RouteSource source) {
        sources.add(source);
        rebuild();
    }

    void removeSource(RouteSource source) {
        sources.remove(source);
        rebuild();
    }

    /** The route table and the OpenAPI document written from it, replaced whole, so a request sees one or the other. */
    private synchronized void rebuild() {
        if (own == null) {
            return; // a source bound before the constructor ran: taken in when it does
        }
        List<Route> all = new java.util.ArrayList<>(own);
        sources.forEach(source -> all.addAll(source.routes()));
        List<Route> table = List.copyOf(all);
        Map<String, Object> document = OpenApi.document(table);
        this.openApi = document;
        this.routes = table;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        Operator operator = null;
        try {
            Route route = null;
            String[] parameters = null;
            boolean pathKnown = false;
            List<Route> table = routes;
            for (Route candidate : table) {
                if (candidate.pattern().matcher(path).matches()) {
                    pathKnown = true;
                    String[] found = candidate.match(request.getMethod(), path);
                    if (found != null) {
                        route = candidate;
                        parameters = found;
                        break;
                    }
                }
            }
            if (route == null) {
                throw pathKnown ? new Problems.Failure(405, "method-not-allowed", "Method not allowed",
                        request.getMethod() + " is not allowed on " + path)
                        : new Problems.Failure(404, "no-endpoint", "Not found", "No endpoint " + path
                                + " (GET /api/v1/openapi.json lists them)");
            }
            if (route.template().equals("/openapi.json")) {
                write(response, openApi);
                return;
            }
            operator = route.open() ? null : authenticate(request);
            if (operator != null && !route.allows(operator)) {
                refused.refused(request, 403, operator, "role " + Role.text(operator.roles()) + " may not");
                throw new Problems.Failure(403, "forbidden", "Forbidden", operator.name() + " ("
                        + Role.text(operator.roles()) + ") may not " + request.getMethod() + " /api/v1" + route.template());
            }
            Object result;
            try (ContextBinder.Binding binding = binder.bind(operator == null ? null : context(operator))) {
                result = route.handler().handle(new Call(operator, parameters, request, response));
            }
            if (result == null) {
                response.setStatus(204);
            } else {
                write(response, result);
            }
        } catch (Problems.Failure failure) {
            Problems.write(json, request, response, failure.status, failure.type, failure.title, failure.getMessage(),
                    failure.errors);
        } catch (PluginNotFoundException e) {
            // whatever the method: an unknown plugin, named in the API's terms (not the shell's plugin:list)
            Problems.write(json, request, response, 404, "not-found", "Not found", notFound(e));
        } catch (PluginException e) {
            boolean read = "GET".equals(request.getMethod());
            Problems.write(json, request, response, read ? 404 : 409, read ? "not-found" : "plugin-refused",
                    read ? "Not found" : "The plugin manager refused", e.getMessage());
        } catch (IllegalArgumentException e) {
            Problems.write(json, request, response, 400, "bad-request", "Bad request", e.getMessage());
        } catch (SecurityException e) {
            refused.refused(request, 403, operator, e.getMessage());
            Problems.write(json, request, response, 403, "forbidden", "Forbidden", e.getMessage());
        } catch (Exception e) {
            getServletContext().log("Carehost API " + request.getMethod() + " " + path + " failed", e);
            Problems.write(json, request, response, 500, "internal", "Internal error",
                    "The request failed inside the container; the log has the details");
        }
    }

    /** An unknown plugin in the API's words: what is missing, and the listing to look in. */
    static String notFound(PluginNotFoundException e) {
        return e.what() + " (GET /api/v1/plugins lists them).";
    }

    private Operator authenticate(HttpServletRequest request) throws Problems.Failure {
        String source = "http " + request.getRemoteAddr();
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                refused.refused(request, 401, null, "an Authorization header that is not a bearer token");
                throw unauthorized("Only Bearer tokens are accepted in the Authorization header");
            }
            try {
                return logins.token(authorization.substring(7).strip(), source);
            } catch (LoginRefusedException e) {
                throw unauthorized(e.getMessage()); // audited as the failed login it is (Logins)
            }
        }
        Optional<WebSessions.WebSession> session = sessions.find(cookie(request));
        if (session.isEmpty()) {
            refused.refused(request, 401, null, cookie(request) == null ? "no credentials"
                    : "a session cookie that is unknown or expired, or whose account is disabled");
            throw unauthorized("Log in (POST /api/v1/session) or send an API token as 'Authorization: Bearer <token>'");
        }
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            String csrf = request.getHeader("X-CSRF-Token");
            if (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    session.get().csrf().getBytes(StandardCharsets.UTF_8))) {
                refused.refused(request, 403, session.get().operator(), csrf == null ? "CSRF token missing"
                        : "CSRF token wrong");
                throw new Problems.Failure(403, "csrf", "CSRF token missing or wrong", "A state change with the "
                        + "session cookie needs the X-CSRF-Token header the login returned");
            }
        }
        return session.get().operator();
    }

    /** A page of the console opened in a new tab reads its session's CSRF token (same origin only: no CORS here). */
    private Object sessionAgain(Call call) throws Problems.Failure {
        WebSessions.WebSession session = sessions.find(cookie(call.request())).orElseThrow(() -> new Problems.Failure(
                400, "no-session", "No browser session", "Only a browser session (the cookie from POST /api/v1/session) "
                        + "has a CSRF token; an API token needs none"));
        Map<String, Object> out = Endpoints.me(session.operator());
        out.put("csrfToken", session.csrf());
        return out;
    }

    private static Problems.Failure unauthorized(String detail) {
        return new Problems.Failure(401, "unauthorized", "Unauthorized", detail);
    }

    private static String cookie(HttpServletRequest request) {
        if (request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (Endpoints.COOKIE.equals(cookie.getName())) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    /** The care context of a request: the operator with their roles, in the default tenant or their first own one. */
    private CareContext context(Operator operator) {
        String tenant = operator.isAdmin() || operator.tenants().isEmpty() ? CareContext.DEFAULT_TENANT
                : operator.tenants().stream().sorted().findFirst().orElseThrow();
        return binder.declare(tenant, operator.name(),
                operator.roles().stream().map(Role::code).collect(java.util.stream.Collectors.toSet()),
                Purpose.OPERATIONS, null);
    }

    private void write(HttpServletResponse response, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body); // whole, before the status: a failure here is still a problem
        response.setStatus(200);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
