package org.carehost.context;

import java.time.Instant;

/** Emergency access of a user to a patient under one declaration (correlation id), and until when it lasts. */
public record BreakGlassGrant(String correlationId, String tenant, String user, String patientId, String plugin,
        String reason, Instant opened, Instant expires) {
}
