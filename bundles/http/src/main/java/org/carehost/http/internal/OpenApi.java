package org.carehost.http.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.carehost.operators.Role;

/** The OpenAPI 3.1 document of {@code /api/v1}, written from the routes themselves so that it cannot drift. */
final class OpenApi {

    private OpenApi() {
    }

    static Map<String, Object> document(List<Route> routes) {
        Map<String, Object> paths = new LinkedHashMap<>();
        for (Route route : routes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> operations = (Map<String, Object>) paths.computeIfAbsent("/api/v1" + route.template(),
                    key -> new LinkedHashMap<>());
            Map<String, Object> operation = new LinkedHashMap<>();
            operation.put("summary", route.summary());
            operation.put("x-carehost-roles", route.open() ? List.of("anyone")
                    : java.util.stream.Stream.concat(java.util.stream.Stream.of(Role.ADMIN), route.roles().stream())
                            .distinct().map(Role::code).collect(Collectors.toList()));
            if (route.open()) {
                operation.put("security", List.of());
            }
            java.util.regex.Matcher parameter = java.util.regex.Pattern.compile("\\{([a-z]+)\\}").matcher(route.template());
            List<Map<String, Object>> parameters = new java.util.ArrayList<>();
            while (parameter.find()) {
                parameters.add(Map.of("name", parameter.group(1), "in", "path", "required", true,
                        "schema", Map.of("type", "string")));
            }
            if (!parameters.isEmpty()) {
                operation.put("parameters", parameters);
            }
            Map<String, Object> responses = new LinkedHashMap<>();
            responses.put("200", Map.of("description", "OK", "content", Map.of("application/json", Map.of())));
            responses.put("default", Map.of("description", "A problem (RFC 9457)",
                    "content", Map.of("application/problem+json", Map.of())));
            operation.put("responses", responses);
            operations.put(route.method().toLowerCase(java.util.Locale.ROOT), operation);
        }
        // Served by their own servlets, outside /api/v1; listed so that one document names every endpoint and its roles.
        paths.put("/metrics", Map.of("get", outside("Prometheus text format (bearer token only)",
                java.util.stream.Stream.concat(java.util.stream.Stream.of(Role.ADMIN), MetricsServlet.READERS.stream())
                        .distinct().map(Role::code).collect(Collectors.toList()))));
        paths.put("/health/live", Map.of("get", outside("Whether the container runs", List.of("anyone"))));
        paths.put("/health/ready", Map.of("get", outside("Whether the container is ready (Felix Health Checks tagged "
                + "systemready)", List.of("anyone"))));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("openapi", "3.1.0");
        document.put("info", Map.of("title", "Carehost admin API", "version", "1.0.0"));
        document.put("paths", paths);
        document.put("components", Map.of("securitySchemes", Map.of(
                "bearer", Map.of("type", "http", "scheme", "bearer", "description", "an API token (user:token)"),
                "session", Map.of("type", "apiKey", "in", "cookie", "name", Endpoints.COOKIE,
                        "description", "after POST /api/v1/session; state changes need the X-CSRF-Token header"))));
        document.put("security", List.of(Map.of("bearer", List.of()), Map.of("session", List.of())));
        return document;
    }

    private static Map<String, Object> outside(String summary, List<String> roles) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("summary", summary);
        operation.put("x-carehost-roles", roles);
        if (roles.equals(List.of("anyone"))) {
            operation.put("security", List.of());
        }
        operation.put("responses", Map.of("200", Map.of("description", "OK"), "default",
                Map.of("description", "A problem (RFC 9457)")));
        return operation;
    }
}
