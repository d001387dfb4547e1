package org.carehost.catalog.internal;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.security.ContainerActors;

/**
 * The audit records of catalog changes (catalogs added and removed, plugins installed and updated, reviews), under
 * the acting operator and tenant of the session's care context, as the shell's own commands record theirs: written
 * and durable before the change is reported done.
 */
final class Audit {

    static final String DEFAULT_TENANT = "default";

    private final AuditLog log;
    private final ContextBinder binder;

    Audit(AuditLog log, ContextBinder binder) {
        this.log = log;
        this.binder = binder;
    }

    String who() {
        return binder.current().map(CareContext::user).filter(user -> user != null).orElse("operator");
    }

    String tenant() {
        return binder.current().map(CareContext::tenant).filter(t -> t != null).orElse(DEFAULT_TENANT);
    }

    void record(AuditAction action, String operation, String resourceType, String resourceId, AuditOutcome outcome,
            String detail) {
        CareContext context = binder.current().orElse(null);
        log.append(new AuditEvent(ContainerActors.OPERATOR, null, who(),
                context == null ? null : context.purpose().code(),
                tenant(), context == null || context.roles().isEmpty() ? null : context.rolesText(),
                context == null ? null : context.correlationId(), null, action, operation, resourceType, resourceId,
                null, null, outcome, detail));
    }
}
