package org.carehost.http.internal;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.carehost.operators.Role;

/**
 * One endpoint: method, path template ({@code /plugins/{plugin}}, relative to {@code /api/v1}), the roles that may call
 * it besides {@code admin} ({@code open}: anyone, logged in or not), and its handler. The routes are the one definition of the API: the servlet dispatches by
 * them and the OpenAPI document is written from them.
 */
record Route(String method, String template, boolean open, Set<Role> roles, String summary, Handler handler) {

    /** What an endpoint does with a call; returns the JSON body (null: 204 No Content). */
    @FunctionalInterface
    interface Handler {
        Object handle(Call call) throws Exception;
    }

    Route {
        roles = roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
    }

    Pattern pattern() {
        return Pattern.compile(template.replaceAll("\\{[a-z]+\\}", "([^/]+)"));
    }

    /** The path parameters when {@code path} matches, else null. */
    String[] match(String method, String path) {
        if (!this.method.equals(method)) {
            return null;
        }
        Matcher matcher = pattern().matcher(path);
        if (!matcher.matches()) {
            return null;
        }
        String[] parameters = new String[matcher.groupCount()];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = java.net.URLDecoder.decode(matcher.group(i + 1), java.nio.charset.StandardCharsets.UTF_8);
        }
        return parameters;
    }

    boolean allows(org.carehost.operators.Operator operator) {
        return operator.isAdmin() || operator.roles().stream().anyMatch(roles::contains);
    }
}
