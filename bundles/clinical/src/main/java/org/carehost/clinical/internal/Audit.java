package org.carehost.clinical.internal;

import java.util.function.Function;
import java.util.function.Supplier;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.sdk.security.QuotaExceededException;
import org.carehost.security.Grants;
import org.carehost.security.Permission;

/**
 * Runs a service call and records it before its result is returned: success, denial or error, with the call's
 * care context. The care rules (tenant, consent, break-glass) and the caller's permission are checked inside
 * the audited call, so a refusal is recorded like any other outcome. If the record cannot be made durable the
 * call fails (AuditUnavailableException) and its result is dropped.
 */
final class Audit {

    private final AuditLog log;
    private final Caller caller;
    private final Grants grants;
    private final CareRules care;

    Audit(AuditLog log, Caller caller, Grants grants, CareRules care) {
        this.log = log;
        this.caller = caller;
        this.grants = grants;
        this.care = care;
    }

    /** What a call touched, known once it has a result. */
    record Subject(String resourceType, String resourceId, String patientId) {
    }

    <T> T call(Permission needed, AuditAction action, String operation, String query, Subject before,
            Function<Access, T> call, Function<T, Subject> after) {
        return callNoted(needed, action, operation, () -> query, before, call, after);
    }

    /** {@link #call}, with the record's query text known only once the call has run (the validators' verdicts). */
    <T> T callNoted(Permission needed, AuditAction action, String operation, Supplier<String> noted, Subject before,
            Function<Access, T> call, Function<T, Subject> after) {
        return callDeciding(needed, () -> action, () -> operation, noted, before, call, after);
    }

    /**
     * {@link #callNoted}, with the record's action and operation known only once the call has run (an import
     * creates or updates, as the stored patients decide); they are asked for the record of a failure too.
     */
    <T> T callDeciding(Permission needed, Supplier<AuditAction> actionNow, Supplier<String> operationNow,
            Supplier<String> noted, Subject before, Function<Access, T> call, Function<T, Subject> after) {
        T result;
        CareContext context = null;
        try {
            Access access = care.enter(caller);
            context = access.context();
            grants.check(needed);
            care.admit(access, before.patientId());
            result = call.apply(access);
        } catch (RuntimeException e) {
            append(context == null ? care.bound() : context, actionNow.get(), operationNow.get(), noted.get(), before,
                    e instanceof PermissionDeniedException || e instanceof QuotaExceededException ? AuditOutcome.DENIED
                            : AuditOutcome.ERROR,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
        Subject touched = after == null ? before : after.apply(result);
        append(context, actionNow.get(), operationNow.get(), noted.get(), touched, AuditOutcome.SUCCESS, null);
        touched(touched.patientId());
        return result;
    }

    /**
     * A successful write within a call audited as a whole (each patient a transaction stored), recorded on its own so
     * that the patient's trail shows it.
     */
    void record(CareContext context, AuditAction action, String operation, String query, Subject subject) {
        append(context, action, operation, query, subject, AuditOutcome.SUCCESS, null);
    }

    /** Tells the security manager which patient the call reached (distinct patients per hour: anomalies). */
    void touched(String patientId) {
        grants.touched(patientId);
    }

    private void append(CareContext context, AuditAction action, String operation, String query, Subject subject,
            AuditOutcome outcome, String reason) {
        if (context == null) {
            log.append(new AuditEvent(caller.symbolicName(), caller.version(), null, null, action, operation,
                    subject.resourceType(), subject.resourceId(), subject.patientId(), query, outcome, reason));
            return;
        }
        log.append(new AuditEvent(caller.symbolicName(), caller.version(), context.user(), context.purpose().code(),
                context.tenant(), context.roles().isEmpty() ? null : context.rolesText(), context.correlationId(),
                context.isBreakGlass() ? context.reason() : null, action, operation, subject.resourceType(),
                subject.resourceId(), subject.patientId(), query, outcome, reason));
    }
}
