package org.carehost.audit.internal;

import java.util.ArrayList;
import java.util.List;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.audit.AuditEntry;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.AuditService;
import org.carehost.sdk.audit.Verification;
import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.sdk.security.QuotaExceededException;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link AuditService} per calling plugin: adding entries needs write:audit, reading the trail read:audit (a
 * denial is itself recorded). A plugin's own entries are checked (lengths, no control characters) and recorded
 * under the plugin's name and in the care context of the call (its tenant, user, purpose, roles, correlation id), none
 * of which it can choose. It reads only the records made in the tenant the call acts for
 * ({@link AuditLog#queryTenantOnly}): not another tenant's, and none made outside any tenant (the container's and
 * operators' records: lifecycle, logins, commands, run-time denials), which are the operators' to read. Both ask
 * whether the plugin is enabled for that tenant, as every host service does.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class AuditServiceImpl implements AuditService {

    private final Bundle caller;
    private final AuditLog log;
    private final Grants grants;
    private final ContextBinder contexts;
    private final Tenants tenants;

    @Activate
    public AuditServiceImpl(ComponentContext context, @Reference AuditLog log, @Reference PermissionGuard guard,
            @Reference ContextBinder contexts, @Reference Tenants tenants) {
        this.contexts = contexts;
        this.tenants = tenants;
        this.caller = context.getUsingBundle();
        this.log = log;
        this.grants = guard.grantsOf(caller);
    }

    @Override
    public AuditRecord record(AuditEntry entry) {
        check(Permission.WRITE_AUDIT, "AuditService.record");
        List<ValidationIssue> issues = new ArrayList<>();
        text(issues, "AuditEntry.operation", entry.operation(), 100, true);
        text(issues, "AuditEntry.resourceType", entry.resourceType(), 50, false);
        text(issues, "AuditEntry.resourceId", entry.resourceId(), 100, false);
        text(issues, "AuditEntry.patientId", entry.patientId(), 100, false);
        text(issues, "AuditEntry.detail", entry.detail(), 1000, false);
        if (!issues.isEmpty()) {
            throw new ValidationException("AuditEntry", issues);
        }
        CareContext context = actingFor("AuditService.record");
        return log.append(new AuditEvent(caller.getSymbolicName(), caller.getVersion().toString(), context.user(),
                context.purpose().code(), context.tenant(), context.roles().isEmpty() ? null : context.rolesText(),
                context.correlationId(), context.isBreakGlass() ? context.reason() : null, entry.action(),
                entry.operation(), entry.resourceType(), entry.resourceId(), entry.patientId(), null, entry.outcome(),
                entry.detail()));
    }

    @Override
    public Page<AuditRecord> query(AuditQuery query) {
        check(Permission.READ_AUDIT, "AuditService.query");
        // A plugin reads the trail of the hospital it acts for, never another's nor the container's.
        return log.queryTenantOnly(query, actingFor("AuditService.query").tenant());
    }

    /** The care context the call acts in, its plugin enabled for its tenant; a refusal is recorded, then thrown. */
    private CareContext actingFor(String operation) {
        String tenant = null;
        try {
            CareContext context = contexts.effective(caller.getSymbolicName());
            tenant = context.tenant();
            tenants.requireEnabled(caller.getSymbolicName(), tenant);
            return context;
        } catch (PermissionDeniedException denied) {
            log.append(new AuditEvent(caller.getSymbolicName(), caller.getVersion().toString(), null, null, tenant,
                    null, null, null, AuditAction.EXECUTE, operation, "AuditEvent", null, null, null,
                    AuditOutcome.DENIED, denied.getMessage()));
            throw denied;
        }
    }

    @Override
    public Verification verify() {
        check(Permission.READ_AUDIT, "AuditService.verify");
        return log.verify();
    }

    /** Checks the permission; a denial is recorded before the exception reaches the plugin. */
    private void check(Permission permission, String operation) {
        try {
            grants.check(permission);
        } catch (PermissionDeniedException | QuotaExceededException denied) {
            log.append(new AuditEvent(caller.getSymbolicName(), caller.getVersion().toString(), null, null,
                    AuditAction.EXECUTE, operation, "AuditEvent", null, null, null, AuditOutcome.DENIED,
                    denied.getMessage()));
            throw denied;
        }
    }

    private static void text(List<ValidationIssue> issues, String path, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                issues.add(ValidationIssue.error(path, "is required"));
            }
            return;
        }
        if (value.length() > max) {
            issues.add(ValidationIssue.error(path, "is " + value.length() + " characters; at most " + max));
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            issues.add(ValidationIssue.error(path, "contains control characters"));
        }
    }
}
