package org.carehost.audit;

import java.util.Objects;

import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;

/**
 * What happened, as a service reports it; the log adds sequence, time, node and the chain. The care context
 * (user, purpose, tenant, roles, correlation id, break-glass reason) is null where the event had none.
 */
public record AuditEvent(String plugin, String pluginVersion, String user, String purposeOfUse, String tenant,
        String roles, String correlationId, String breakGlass, AuditAction action, String operation,
        String resourceType, String resourceId, String patientId, String query, AuditOutcome outcome, String reason) {

    /** An event outside any care context (lifecycle, operator, plugin-written entries without one). */
    public AuditEvent(String plugin, String pluginVersion, String user, String purposeOfUse, AuditAction action,
            String operation, String resourceType, String resourceId, String patientId, String query,
            AuditOutcome outcome, String reason) {
        this(plugin, pluginVersion, user, purposeOfUse, null, null, null, null, action, operation, resourceType,
                resourceId, patientId, query, outcome, reason);
    }

    public AuditEvent {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
    }
}
