package org.carehost.http.internal;

import org.carehost.operators.Operator;
import org.carehost.operators.Refusals;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The audit of a 401 or 403 answer (operation {@code http.refused}), through the flood-bounded {@link Refusals}: the
 * status, method and path (no query string, no header: never a credential), the operator when known, and why. A bad
 * bearer token is not recorded here: the login it failed is already in the trail.
 */
final class RefusedRequests {

    static final String OPERATION = "http.refused";

    private final Refusals refusals;

    RefusedRequests(Refusals refusals) {
        this.refusals = refusals;
    }

    void refused(HttpServletRequest request, int status, Operator operator, String why) {
        String path = request.getRequestURI() == null ? "" : request.getRequestURI();
        refusals.refused("http " + request.getRemoteAddr(), operator == null ? null : operator.name(), OPERATION,
                status + " " + request.getMethod() + " " + (path.length() > 200 ? path.substring(0, 200) + "…" : path)
                        + ": " + why);
    }
}
