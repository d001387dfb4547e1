package org.carehost.http.internal;

import org.carehost.context.Tenants;
import org.carehost.operators.Operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the admin routes read from a call: a JSON object body (at most 64 KiB), and a tenant the caller may administer. */
final class Requests {

    static final int MAX_BODY = 64 * 1024;

    private Requests() {
    }

    /** The request's body as a JSON object; a 400 or 413 problem otherwise. */
    static JsonNode object(ObjectMapper json, Call call, String shape) throws Problems.Failure {
        if (call.request().getContentLengthLong() > MAX_BODY) {
            throw new Problems.Failure(413, "too-large", "Request too large", "A request body is at most 64 KiB");
        }
        try {
            byte[] body = call.request().getInputStream().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new Problems.Failure(413, "too-large", "Request too large", "A request body is at most 64 KiB");
            }
            JsonNode node = json.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (java.io.IOException e) {
            // answered below
        }
        throw new Problems.Failure(400, "bad-request", "Bad request", "Send a JSON object: " + shape);
    }

    /** A text field of a body; a 400 problem when it is missing or not text. */
    static String text(JsonNode body, String field) throws Problems.Failure {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new Problems.Failure(400, "bad-request", "Bad request", "'" + field + "' is missing or not text");
        }
        return value.asText();
    }

    /**
     * The tenant named by path parameter {@code index}, once it is known that it exists and that the caller administers
     * it (admin: every tenant; hospital-admin: their own). Another tenant's admin gets the same 404 as for a tenant that
     * does not exist, so that the answer does not tell which hospitals are on this container.
     */
    static String administeredTenant(Call call, Tenants tenants, int index) throws Problems.Failure {
        String tenant = call.parameter(index);
        Operator operator = call.operator();
        if (!operator.administers(tenant) || tenants.find(tenant).isEmpty()) {
            throw new Problems.Failure(404, "not-found", "Not found", "No tenant '" + tenant + "' that "
                    + operator.name() + " administers (GET /api/v1/tenants lists them)");
        }
        return tenant;
    }
}
