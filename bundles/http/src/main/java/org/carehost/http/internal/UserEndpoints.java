package org.carehost.http.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.carehost.operators.Operator;
import org.carehost.operators.OperatorAccounts;
import org.carehost.operators.Role;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Operator accounts over HTTP, for admins only: create one, disable and enable it, list its live API tokens (never a
 * secret) and revoke one. The account service audits each
 * change with the acting operator (the request's care context). Listing stays with {@link Endpoints}.
 */
final class UserEndpoints {

    private final OperatorAccounts accounts;
    private final ObjectMapper json;

    UserEndpoints(OperatorAccounts accounts, ObjectMapper json) {
        this.accounts = accounts;
        this.json = json;
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("POST", "/users", false, Set.of(), "Create an operator account: {\"name\", \"roles\": [..], "
                + "\"tenants\": [..], \"password\"} (admins only)", this::add));
        routes.add(new Route("POST", "/users/{user}/disable", false, Set.of(), "Disable an account (admins only)",
                call -> {
                    accounts.disable(call.parameter(0));
                    return account(found(call.parameter(0)));
                }));
        routes.add(new Route("POST", "/users/{user}/enable", false, Set.of(), "Enable an account (admins only)",
                call -> {
                    accounts.enable(call.parameter(0));
                    return account(found(call.parameter(0)));
                }));
        routes.add(new Route("GET", "/users/{user}/tokens", false, Set.of(), "An account's live API tokens: id, label, "
                + "created, expires; never a secret (admins only)", call -> {
                    found(call.parameter(0));
                    return accounts.liveTokens(call.parameter(0));
                }));
        routes.add(new Route("POST", "/users/{user}/tokens/{token}/revoke", false, Set.of(), "Revoke an account's API "
                + "token by id (admins only); 404 when it has no such live token", call -> {
                    found(call.parameter(0));
                    if (!accounts.revokeToken(call.parameter(0), call.parameter(1))) {
                        throw new Problems.Failure(404, "not-found", "Not found", "No live token '" + call.parameter(1)
                                + "' of " + call.parameter(0) + " (GET /api/v1/users/" + call.parameter(0)
                                + "/tokens lists them)");
                    }
                    return accounts.liveTokens(call.parameter(0));
                }));
        return routes;
    }

    private Object add(Call call) throws Problems.Failure {
        JsonNode body = Requests.object(json, call, "{\"name\": …, \"roles\": [\"hospital-admin\"], \"tenants\": [\"…\"], "
                + "\"password\": …}");
        Set<Role> roles = new LinkedHashSet<>();
        for (String role : strings(body, "roles")) {
            roles.add(Role.parse(role));
        }
        if (roles.isEmpty()) {
            throw new Problems.Failure(400, "bad-request", "Bad request", "'roles' lists at least one role");
        }
        char[] password = Requests.text(body, "password").toCharArray();
        Operator added = accounts.add(Requests.text(body, "name"), roles, new LinkedHashSet<>(strings(body, "tenants")),
                password);
        return account(added);
    }

    private static java.util.Map<String, Object> account(Operator operator) {
        java.util.Map<String, Object> out = Endpoints.me(operator);
        out.put("disabled", operator.disabled());
        return out;
    }

    private Operator found(String name) throws Problems.Failure {
        return accounts.find(name).orElseThrow(() -> new Problems.Failure(404, "not-found", "Not found",
                "No account '" + name + "' (GET /api/v1/users lists them)"));
    }

    private static List<String> strings(JsonNode body, String field) throws Problems.Failure {
        JsonNode node = body.get(field);
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new Problems.Failure(400, "bad-request", "Bad request", "'" + field + "' must be a list of text");
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new Problems.Failure(400, "bad-request", "Bad request", "'" + field + "' must be a list of text");
            }
            out.add(item.asText());
        }
        return out;
    }
}
