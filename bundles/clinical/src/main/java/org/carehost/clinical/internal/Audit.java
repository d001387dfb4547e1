package org.carehost.clinical.internal;

import java.util.function.Function;
import java.util.function.Supplier;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.sdk.security.QuotaExceededException;
import org.carehost.security.Grants;
import org.carehost.security.Permission;

/**
 * Runs a service call and records it before its result is returned: success, denial or error. The caller's
 * permission is checked first, inside the audited call, so a denial is recorded like any other outcome. If the
 * record cannot be made durable the call fails (AuditUnavailableException) and its result is dropped.
 */
final class Audit {

    private final AuditLog log;
    private final Caller caller;
    private final Grants grants;

    Audit(AuditLog log, Caller caller, Grants grants) {
        this.log = log;
        this.caller = caller;
        this.grants = grants;
    }

    /** What a call touched, known once it has a result. */
    record Subject(String resourceType, String resourceId, String patientId) {
    }

    <T> T call(Permission needed, AuditAction action, String operation, String query, Subject before,
            Supplier<T> call, Function<T, Subject> after) {
        T result;
        try {
            grants.check(needed);
            result = call.get();
        } catch (RuntimeException e) {
            append(action, operation, query, before,
                    e instanceof PermissionDeniedException || e instanceof QuotaExceededException ? AuditOutcome.DENIED
                            : AuditOutcome.ERROR,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
        Subject touched = after == null ? before : after.apply(result);
        append(action, operation, query, touched, AuditOutcome.SUCCESS, null);
        touched(touched.patientId());
        return result;
    }

    /** Tells the security manager which patient the call reached (distinct patients per hour: anomalies). */
    void touched(String patientId) {
        grants.touched(patientId);
    }

    private void append(AuditAction action, String operation, String query, Subject subject, AuditOutcome outcome,
            String reason) {
        log.append(new AuditEvent(caller.symbolicName(), caller.version(), null, null, action, operation,
                subject.resourceType(), subject.resourceId(), subject.patientId(), query, outcome, reason));
    }
}
