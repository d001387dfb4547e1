package org.carehost.http.internal;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.security.ContainerActors;

/**
 * The audit record of a change made over HTTP: by the operator, in the tenant it changed (so that the hospital's own
 * trail shows it), written and durable before the response reports success.
 */
final class Audits {

    private final AuditLog log;
    private final ContextBinder binder;

    Audits(AuditLog log, ContextBinder binder) {
        this.log = log;
        this.binder = binder;
    }

    void record(Operator operator, String tenant, AuditAction action, String operation, String resourceType,
            String resourceId, String detail) {
        CareContext context = binder.current().orElse(null);
        log.append(new AuditEvent(ContainerActors.OPERATOR, null, operator.name(),
                context == null ? null : context.purpose().code(), tenant, Role.text(operator.roles()),
                context == null ? null : context.correlationId(), null, action, operation, resourceType, resourceId,
                null, null, AuditOutcome.SUCCESS, detail));
    }
}
