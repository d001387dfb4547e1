package org.carehost.operators.internal;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.security.ContainerActors;

/**
 * Audit records of account changes and logins, written before the call returns. The acting operator is the user of
 * the care context the call runs in (the shell session's, an HTTP request's); a login names the account it is for.
 */
final class OperatorAudit {

    static final String PLUGIN = ContainerActors.OPERATORS;

    private final AuditLog log;
    private final ContextBinder binder;

    OperatorAudit(AuditLog log, ContextBinder binder) {
        this.log = log;
        this.binder = binder;
    }

    void change(AuditAction action, String operation, String account, String detail) {
        CareContext context = binder.current().orElse(null);
        String user = context == null || context.user() == null ? "console" : context.user();
        log.append(new AuditEvent(PLUGIN, null, user, context == null ? null : context.purpose().code(),
                context == null ? null : context.tenant(),
                context == null || context.roles().isEmpty() ? null : context.rolesText(),
                context == null ? null : context.correlationId(), null, action, operation, "OperatorAccount", account,
                null, null, AuditOutcome.SUCCESS, detail));
    }

    void login(String account, String source, String method, AuditOutcome outcome, String reason) {
        log.append(new AuditEvent(PLUGIN, null, account, null, null, null, null, null, AuditAction.EXECUTE,
                "login", "OperatorAccount", account, null, method + " from " + source, outcome, reason));
    }
}
