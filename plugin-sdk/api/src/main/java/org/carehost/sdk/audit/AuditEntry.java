package org.carehost.sdk.audit;

import java.util.Objects;

/**
 * What a plugin adds to the trail itself with {@link AuditService#record}: the host fills in who, when
 * and where, and chains it. Text fields are limited in length and may not hold control characters.
 *
 * @param action what kind of access
 * @param operation what the plugin did, e.g. {@code reminder.sent} (at most 100 characters)
 * @param resourceType e.g. {@code Appointment}; may be null
 * @param resourceId may be null
 * @param patientId may be null
 * @param outcome how it ended
 * @param detail free text, at most 1000 characters; no PHI beyond what the entry needs; may be null
 */
public record AuditEntry(AuditAction action, String operation, String resourceType, String resourceId,
        String patientId, AuditOutcome outcome, String detail) {

    public AuditEntry {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
    }
}
