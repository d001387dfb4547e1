package org.carehost.shell.internal;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.security.ContainerActors;

/**
 * Who runs a state-changing command (the session's user, else "operator"), and its audit record: written, and
 * durable, before the command reports success.
 */
final class ActingOperator {

    private ActingOperator() {
    }

    static String who(ContextBinder binder) {
        return binder.current().map(CareContext::user).filter(user -> user != null).orElse("operator");
    }

    static void audit(AuditLog log, ContextBinder binder, AuditAction action, String operation, String resourceType,
            String resourceId, String patientId, String detail) {
        CareContext context = binder.current().orElse(null);
        log.append(new AuditEvent(ContainerActors.OPERATOR, null, who(binder),
                context == null ? null : context.purpose().code(), context == null ? null : context.tenant(),
                context == null || context.roles().isEmpty() ? null : context.rolesText(),
                context == null ? null : context.correlationId(), context != null && context.isBreakGlass()
                        ? context.reason() : null,
                action, operation, resourceType, resourceId, patientId, null, AuditOutcome.SUCCESS, detail));
    }
}
