package org.carehost.scheduler.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.scheduler.Job;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.sdk.schedule.ScheduledJob;
import org.carehost.sdk.schedule.Scheduler;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.carehost.security.PluginLimits;
import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@link Scheduler} as each plugin sees it (bundle scope: bound to the calling plugin). A job is the plugin's, in the
 * tenant and purpose of the call's care context (the plugin must be enabled there); it needs {@code schedule:work},
 * and every call is audited.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class SchedulerServiceImpl implements Scheduler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PAYLOAD = 64 * 1024;

    private final SchedulerEngine engine;
    private final ContextBinder binder;
    private final Tenants tenants;
    private final AuditLog audit;
    private final Grants grants;
    private final PluginLimits limits;
    private final String plugin;
    private final String version;

    @Activate
    public SchedulerServiceImpl(ComponentContext context, @Reference SchedulerEngine engine,
            @Reference ContextBinder binder, @Reference Tenants tenants, @Reference AuditLog audit,
            @Reference PermissionGuard guard, @Reference PluginLimits limits) {
        Bundle caller = context.getUsingBundle();
        this.engine = engine;
        this.binder = binder;
        this.tenants = tenants;
        this.audit = audit;
        this.grants = guard.grantsOf(caller);
        this.limits = limits;
        this.plugin = String.valueOf(caller.getSymbolicName());
        this.version = caller.getVersion().toString();
    }

    @Override
    public String once(String task, Instant at, String payload) {
        Objects.requireNonNull(at, "at");
        return audited(AuditAction.CREATE, "Scheduler.once", task + " at " + at, context -> {
            Job job = new Job(UUID.randomUUID().toString(), plugin, context.tenant(), context.purpose().code(),
                    checkTask(task), null, at, "SCHEDULED", 0, null);
            String checked = checkPayload(payload);
            refuseOver(engine.jobs().insertBelow(job, checked, engine.now(), limits.jobs(plugin)));
            return job.id();
        });
    }

    @Override
    public String cron(String task, String cron, String payload) {
        return audited(AuditAction.CREATE, "Scheduler.cron", task + " cron " + cron, context -> {
            Cron parsed = Cron.parse(cron);
            Instant first = parsed.next(engine.now(), engine.zone(context.tenant()));
            Job job = new Job(UUID.randomUUID().toString(), plugin, context.tenant(), context.purpose().code(),
                    checkTask(task), parsed.toString(), first, "SCHEDULED", 0, null);
            String checked = checkPayload(payload);
            refuseOver(engine.jobs().insertBelow(job, checked, engine.now(), limits.jobs(plugin)));
            return job.id();
        });
    }

    @Override
    public boolean cancel(String jobId) {
        return audited(AuditAction.UPDATE, "Scheduler.cancel", jobId,
                context -> engine.jobs().cancel(jobId, plugin, context.tenant()));
    }

    @Override
    public List<ScheduledJob> jobs() {
        return audited(AuditAction.READ, "Scheduler.jobs", null, context -> {
            List<ScheduledJob> mine = new ArrayList<>();
            for (Jobs.Row row : engine.jobs().pending(plugin, context.tenant())) {
                Job job = row.job();
                // a job whose payload does not open on this node is listed with none (Jobs.Row)
                mine.add(new ScheduledJob(job.id(), job.task(), job.tenant(), job.cron(), job.due(), row.payload()));
            }
            return mine;
        });
    }

    private interface Work<T> {
        T in(CareContext context);
    }

    private <T> T audited(AuditAction action, String operation, String what, Work<T> work) {
        CareContext context = null;
        try {
            context = binder.effective(plugin);
            grants.check(Permission.SCHEDULE_WORK);
            tenants.requireEnabled(plugin, context.tenant());
            T result = work.in(context);
            append(context, action, operation, what, AuditOutcome.SUCCESS, null);
            return result;
        } catch (RuntimeException e) {
            append(context, action, operation, what, e instanceof PermissionDeniedException ? AuditOutcome.DENIED
                    : AuditOutcome.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
    }

    private void append(CareContext context, AuditAction action, String operation, String what, AuditOutcome outcome,
            String reason) {
        audit.append(new AuditEvent(plugin, version, context == null ? null : context.user(),
                context == null ? null : context.purpose().code(), context == null ? null : context.tenant(), null,
                context == null ? null : context.correlationId(), null, action, operation, "ScheduledJob", null, null,
                what, outcome, reason));
    }

    /**
     * Refuses the job when the plugin had as many live jobs as the policy allows ({@code live}, or -1 when it was stored:
     * counted and stored as one step, {@link Jobs#insertBelow}): the one poller runs due jobs
     * one after another, so a plugin's jobs are what it may hold of every plugin's scheduled work.
     */
    private void refuseOver(long live) {
        if (live >= 0) {
            throw new ValidationException("ScheduledJob", List.of(ValidationIssue.error("job", plugin + " has " + live
                    + " jobs scheduled or running, its limit. Nothing was scheduled. Cancel jobs it no longer needs, "
                    + "or ask the operator to raise it: 'jobs plugin " + plugin + " <n>' in the security policy")));
        }
    }

    private static String checkTask(String task) {
        if (task == null || !task.matches("[A-Za-z0-9_.:\\-]{1,200}")) {
            throw new ValidationException("ScheduledJob", List.of(ValidationIssue.error("task", "'" + task
                    + "' is not a task name (1 to 200 letters, digits, '.', '_', ':', '-')")));
        }
        return task;
    }

    private static String checkPayload(String payload) {
        if (payload == null) {
            return null;
        }
        try {
            JsonNode node = payload.length() > MAX_PAYLOAD ? null : JSON.readTree(payload);
            if (node == null || !(node.isObject() || node.isArray())) {
                throw new ValidationException("ScheduledJob", List.of(ValidationIssue.error("payload",
                        "must be a JSON object or array of at most " + MAX_PAYLOAD + " characters")));
            }
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // the parser's own words repeat the payload, which may hold a patient's data: where it failed only
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new ValidationException("ScheduledJob", List.of(ValidationIssue.error("payload", "must be a JSON "
                    + "object or array as text (e.g. {\"patient\":\"...\"}), not valid JSON"
                    + (at == null || at.getCharOffset() < 0 ? "" : " at character " + at.getCharOffset()))));
        }
    }
}
