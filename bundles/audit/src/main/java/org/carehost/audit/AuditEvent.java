package org.carehost.audit;

import java.util.Objects;

import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;

/** What happened, as a service reports it; the log adds sequence, time, node and the chain. */
public record AuditEvent(String plugin, String pluginVersion, String user, String purposeOfUse, AuditAction action,
        String operation, String resourceType, String resourceId, String patientId, String query,
        AuditOutcome outcome, String reason) {

    public AuditEvent {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
    }
}
