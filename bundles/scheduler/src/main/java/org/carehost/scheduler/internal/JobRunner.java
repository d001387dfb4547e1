package org.carehost.scheduler.internal;

import static org.carehost.scheduler.internal.SchedulerEngine.ATTEMPTS;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.scheduler.Job;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.event.ScheduleEvents;
import org.carehost.sdk.schedule.ScheduledJob;
import org.carehost.sdk.schedule.ScheduledTask;
import org.carehost.security.PluginLimits;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * One run of a due job, on the scheduler's polling thread: the job claimed for this node (a claim lasts twice the
 * task's deadline and a margin, {@link Jobs#claimRun}), its plugin's {@link ScheduledTask} called through
 * {@link PluginCalls} in a care context of the job's tenant and purpose with no user, and the outcome recorded: a cron
 * job due at its next time in the tenant's zone, a one-off job done or retried a minute later up to
 * {@value SchedulerEngine#ATTEMPTS} attempts; then logged (a failure), posted and audited. A job whose task is not there
 * is put off a minute ({@link TaskWaits}); one whose earlier runs never finished is FAILED.
 *
 * <p>Apart from {@link SchedulerEngine}, which polls, decides which due jobs this node takes and answers the
 * operators, so the run's own rules read in one place.
 */
final class JobRunner {

    private final Jobs jobs;
    private final String node;
    private final PluginCalls calls;
    private final PluginLimits limits;
    private final ContextBinder binder;
    private final AuditLog audit;
    private final EventAdmin events;
    private final Logger log;
    private final Clock clock;
    private final TaskWaits waits;
    /** Each tenant's zone, in which a cron job's next time is found. */
    private final Function<String, ZoneId> zones;

    JobRunner(Jobs jobs, String node, PluginCalls calls, PluginLimits limits, ContextBinder binder, AuditLog audit,
            EventAdmin events, Logger log, Clock clock, TaskWaits waits, Function<String, ZoneId> zones) {
        this.jobs = jobs;
        this.node = node;
        this.calls = calls;
        this.limits = limits;
        this.binder = binder;
        this.audit = audit;
        this.events = events;
        this.log = log;
        this.clock = clock;
        this.waits = waits;
        this.zones = zones;
    }

    private Instant now() {
        return clock.instant();
    }

    /** Runs one due job whose payload opens here, if this node claims it; its outcome recorded, logged, posted, audited. */
    void run(Jobs.Row row, Instant now) {
        Job job = row.job();
        if ("RUNNING".equals(job.state()) && job.attempts() >= ATTEMPTS) {
            // a claim another node let expire, for the last allowed time: counted runs that never finished
            // its claim (twice the run's deadline and a margin from the claim, Jobs.claimRun) expired: the node
            // that claimed it cannot still be running it
            if (jobs.claim(row, node, now)) {
                jobs.finish(job.id(), row.version() + 1, "FAILED", job.due(), job.attempts(),
                        Jobs.crashed(ATTEMPTS, job.lastError()));
            }
            return;
        }
        PluginService<ScheduledTask> reference = task(job);
        if (reference == null) {
            if (jobs.claim(row, node, now().plus(Duration.ofMinutes(1)))) {
                jobs.finish(job.id(), row.version() + 1, "SCHEDULED", now().plus(Duration.ofMinutes(1)), job.attempts(),
                        "the plugin " + job.plugin() + " has no active task '" + job.task() + "'");
                // due again as soon as a task of its plugin registers (at start, plugins come after the scheduler)
                waits.put(job.id(), job.plugin(), job.due(), row.version() + 2);
            }
            return;
        }
        Duration deadline = limits.deadline(reference.plugin(), "schedule");
        if (!jobs.claimRun(row, node, clock, deadline)) {
            return; // another node runs it
        }
        long claimed = row.version() + 1;
        ScheduledJob view = new ScheduledJob(job.id(), job.task(), job.tenant(), job.cron(), job.due(), row.payload());
        String error = null;
        try {
            CareContext care = binder.declare(job.tenant(), null, Set.of(), Purpose.parse(job.purpose()), null);
            // while the task's plugin is being updated, this waits for the new version (PluginCalls)
            calls.call(reference, "schedule", "ScheduledTask.run", task -> {
                try (ContextBinder.Binding bound = binder.bind(care)) {
                    task.run(view);
                }
                return null;
            });
        } catch (PluginCallException | RuntimeException e) {
            error = e.getMessage();
        }
        Instant after = now();
        String then;
        if (job.cron() != null) {
            Instant next = Cron.parse(job.cron()).next(after.isAfter(job.due()) ? after : job.due(), zones.apply(job.tenant()));
            jobs.finish(job.id(), claimed, "SCHEDULED", next, 0, error);
            then = "it runs again at " + next;
        } else if (error == null) {
            jobs.finish(job.id(), claimed, "DONE", job.due(), job.attempts() + 1, null);
            then = null;
        } else {
            int attempts = job.attempts() + 1;
            Instant retry = after.plus(Duration.ofMinutes(1));
            jobs.finish(job.id(), claimed, attempts >= ATTEMPTS ? "FAILED" : "SCHEDULED",
                    attempts >= ATTEMPTS ? job.due() : retry, attempts, error);
            then = attempts >= ATTEMPTS ? "it failed " + attempts + " times and is not tried again"
                    : "attempt " + attempts + " of " + ATTEMPTS + "; tried again at " + retry;
        }
        if (error != null) {
            // the log is where an operator looks first; the error itself stays in the job's row and the audit trail,
            // as a plugin's message may carry patient data, which the log file is no place for
            log.warn("Scheduled job {} (task '{}' of plugin {}, tenant {}) failed; {}. schedule:list --all shows its error.",
                    job.id(), job.task(), job.plugin(), job.tenant(), then);
        }
        events.postEvent(new Event(error == null ? ScheduleEvents.RAN : ScheduleEvents.FAILED, Map.of(
                ScheduleEvents.JOB_ID, job.id(), ScheduleEvents.TASK, job.task(), ScheduleEvents.PLUGIN, job.plugin(),
                ScheduleEvents.TENANT, job.tenant())));
        audit.append(new AuditEvent(job.plugin(), String.valueOf(reference.plugin().getVersion()), null,
                job.purpose(), job.tenant(), null, null, null, AuditAction.EXECUTE, "ScheduledTask.run", "ScheduledJob",
                job.id(), null, job.task() + (job.cron() == null ? "" : " cron " + job.cron()),
                error == null ? AuditOutcome.SUCCESS : AuditOutcome.ERROR, error));
    }

    /**
     * The plugin's task service for the job: of the bundle with the job's plugin name, with the task's name; also
     * while that plugin is being updated (a call then waits for the new version).
     */
    private PluginService<ScheduledTask> task(Job job) {
        for (PluginService<ScheduledTask> service : calls.services(ScheduledTask.class)) {
            // the name is the plugin's object, read on the poller's one thread: only a String is read (a toString of
            // the plugin's own that never returns would stop every plugin's jobs)
            if (job.plugin().equals(service.plugin().getSymbolicName())
                    && service.property(ScheduledTask.NAME) instanceof String name && job.task().equals(name)) {
                return service;
            }
        }
        return null;
    }
}
