package org.carehost.scheduler.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.crypto.PhiCipher;
import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.scheduler.Job;
import org.carehost.scheduler.SchedulerAdmin;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.event.ScheduleEvents;
import org.carehost.sdk.schedule.ScheduledJob;
import org.carehost.sdk.schedule.ScheduledTask;
import org.carehost.security.PluginLimits;
import org.carehost.store.StaleClaims;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Runs due jobs: every {@value #POLL_MILLIS} ms it reads the jobs due by the container {@link Clock} (a service, so
 * that tests move time instead of sleeping), claims each (one node per run, see {@link Jobs}) and calls the plugin's
 * {@link ScheduledTask} through {@link PluginCalls} (deadline, counters, quarantine) in a care context of the job's
 * tenant and purpose with no user. A cron job is then due at its next time in the tenant's zone; a one-off job is
 * done, or retried a minute later up to {@value #ATTEMPTS} attempts. Each run is audited. A job whose plugin or task
 * is not there (stopped, updating, not started yet) waits a minute and is tried again, or sooner: at the first poll
 * after a task of its plugin registers. Each run is posted as
 * {@code carehost/schedule/RAN} or {@code FAILED}. A run a killed process left claimed is run again at the next start
 * when only this process can open the database ({@link StaleClaims}); nodes sharing PostgreSQL wait its claim out.
 */
@Component(service = {SchedulerEngine.class, SchedulerAdmin.class}, immediate = true)
public final class SchedulerEngine implements SchedulerAdmin {

    static final long POLL_MILLIS = 200;
    static final int ATTEMPTS = 3;

    private final Jobs jobs;
    private final BundleContext context;
    private final ServiceListener taskListener = this::taskRegistered;
    private final PluginCalls calls;
    private final PluginLimits limits;
    private final ContextBinder binder;
    private final Tenants tenants;
    private final AuditLog audit;
    private final EventAdmin events;
    private final Logger log;
    /** How many jobs whose payload does not open here this node passes over (and names in its query) at most. */
    static final int PASS_OVER = 500;
    /** Jobs whose payload does not open here: passed over by this node's polls, each reported once. */
    private final Set<String> unopened = ConcurrentHashMap.newKeySet();
    private boolean overflowReported; // the polling thread's only
    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(null, r, "carehost-scheduler", 0, false));

    /** The container's clock (bundles/clock), which follows a test's clock while one is registered. */
    private final Clock clock;

    /** Set at deactivation, before the pass under way is interrupted: that pass ends, and its failure is no error. */
    private volatile boolean stopping;

    @Activate
    public SchedulerEngine(BundleContext context, @Reference Store store, @Reference PhiCipher cipher,
            @Reference PluginCalls calls, @Reference PluginLimits limits, @Reference ContextBinder binder,
            @Reference Tenants tenants, @Reference AuditLog audit, @Reference EventAdmin events,
            @Reference(service = LoggerFactory.class) Logger log,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.clock = clock;
        this.events = events;
        this.jobs = new Jobs(store, cipher);
        this.calls = calls;
        this.limits = limits;
        this.binder = binder;
        this.tenants = tenants;
        this.audit = audit;
        this.log = log;
        this.context = context;
        try {
            context.addServiceListener(taskListener,
                    "(" + Constants.OBJECTCLASS + "=" + ScheduledTask.class.getName() + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (StaleClaims.releasableAtStart(store, context, "scheduler")) {
            // Only this process can open the database, and this is the scheduler's first activation since the
            // framework started: a job still running is one an earlier run of this process was running when it was
            // killed. Run it again now instead of when its claim (twice the task's deadline and a minute) expires.
            Jobs.Released released = jobs.releaseClaims(ATTEMPTS);
            if (released.again() > 0) {
                log.warn("Scheduler: {} job(s) were running when the container last stopped without finishing them; "
                        + "they run again now (a task may see a run twice: a run is at least once)", released.again());
            }
            if (released.failed() > 0) {
                log.error("Scheduler: {} job(s) were running when the container last stopped, and none of their last {} "
                        + "runs finished: they are FAILED, not run again (schedule:list --all shows them)",
                        released.failed(), ATTEMPTS);
            }
        }
        poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        try {
            context.removeServiceListener(taskListener);
        } catch (IllegalStateException bundleStopping) {
            // the bundle is stopping: the framework removes it
        }
        poller.shutdownNow();
        // Bounded: the pass under way, interrupted, ends before the store and the cipher it uses are gone.
        if (!poller.awaitTermination(30, TimeUnit.SECONDS)) {
            log.warn("Scheduler: a job was still running 30 s after the scheduler stopped; if its outcome is not "
                    + "recorded it runs again (at the next start, or once its claim expires on a shared database)");
        }
    }

    Instant now() {
        return clock.instant();
    }

    Jobs jobs() {
        return jobs;
    }

    private void poll() {
        try {
            dueAgainForNewTasks();
            Instant now = now();
            if (!unopened.isEmpty()) {
                // jobs finished or cancelled meanwhile (by a node that holds the key) leave the set
                unopened.retainAll(jobs.pendingAmong(List.copyOf(unopened)));
                overflowReported &= unopened.size() >= PASS_OVER;
            }
            for (Jobs.Row row : jobs.due(now, 20, unopened)) {
                if (stopping) {
                    return; // the rest stay due for the next start
                }
                run(row, now);
            }
        } catch (RuntimeException e) {
            if (stopping) {
                // the scheduler stops (the container, or its store): the pass was cut short, not failed
                log.info("Scheduler: a pass over the due jobs was cut short by the stop: {}", e.toString());
            } else {
                log.error("Scheduler: a pass over the due jobs failed; the next pass tries again: {}", e.toString());
            }
        }
    }

    private void run(Jobs.Row row, Instant now) {
        Job job = row.job();
        if (!row.opens()) {
            passOver(row);
            return;
        }
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
                waitingForTask.put(job.id(), new Waiting(job.plugin(), job.due(), row.version() + 2));
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
            Instant next = Cron.parse(job.cron()).next(after.isAfter(job.due()) ? after : job.due(), zone(job.tenant()));
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

    /** A job this node put off for a minute because its task was not there: when it was due, its version since. */
    private record Waiting(String plugin, Instant due, long version) {
    }

    /**
     * Jobs put off because their task was not there, by id, made due again at the first poll after a task of their
     * plugin registers ({@link #taskRegistered}): at a start, the scheduler polls before the plugins' tasks are up, and
     * their due jobs (a run a killed process left, a time passed while the container was down) must not wait a minute.
     */
    private final Map<String, Waiting> waitingForTask = new ConcurrentHashMap<>();
    /** Plugins (symbolic names) that registered a task since the last poll. */
    private final Set<String> tasksRegistered = ConcurrentHashMap.newKeySet();

    private void taskRegistered(ServiceEvent event) {
        if (event.getType() == ServiceEvent.REGISTERED && event.getServiceReference().getBundle() != null) {
            tasksRegistered.add(String.valueOf(event.getServiceReference().getBundle().getSymbolicName()));
        }
    }

    private void dueAgainForNewTasks() {
        if (tasksRegistered.isEmpty()) {
            return;
        }
        Set<String> plugins = Set.copyOf(tasksRegistered);
        tasksRegistered.removeAll(plugins);
        waitingForTask.entrySet().removeIf(entry -> {
            Waiting waiting = entry.getValue();
            if (!plugins.contains(waiting.plugin())) {
                return false;
            }
            jobs.dueAgain(entry.getKey(), waiting.version(), waiting.due());
            return true;
        });
    }

    /**
     * A job whose payload does not open here (a key this node lacks, or a changed value) is left to nodes that hold
     * the key: nodes sharing a database share the data keys (README). This node passes over it from now on, so that
     * such jobs cannot fill every page of due jobs, and reports it once, in the log and as an audit record (a value
     * that does not authenticate may have been tampered with). A job leaves the set once it is no longer waiting (run
     * or cancelled elsewhere). Past {@link #PASS_OVER} such jobs the node stops adding them, and says so: their pages
     * may then hold up the jobs due after them.
     */
    private void passOver(Jobs.Row row) {
        Job job = row.job();
        if (unopened.size() >= PASS_OVER) {
            if (!overflowReported) {
                overflowReported = true;
                log.error("Scheduler: more than {} jobs do not open on this node; later ones may hold up the jobs "
                        + "due after them. Give this node the database's data keys (etc/security/keys).", PASS_OVER);
            }
            return;
        }
        unopened.add(job.id());
        log.warn("Scheduler: job {} of {} is left to other nodes: its payload does not open on this node ({}). "
                + "Nodes sharing a database need the same etc/security/keys/data-keys.", job.id(), job.plugin(),
                row.unopened());
        audit.append(new AuditEvent(job.plugin(), null, null, job.purpose(), job.tenant(), null, null, null,
                AuditAction.EXECUTE, "ScheduledTask.run", "ScheduledJob", job.id(), null,
                "payload does not open on this node", AuditOutcome.ERROR, row.unopened()));
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

    // ---- SchedulerAdmin

    @Override
    public List<Job> jobs(boolean all) {
        return jobs.all(all).stream().map(Jobs.Row::job).toList();
    }

    @Override
    public boolean cancel(String id) {
        return jobs.cancel(id);
    }

    @Override
    public ZoneId zone(String tenant) {
        return jobs.zone(tenant).orElse(ZoneOffset.UTC);
    }

    @Override
    public void setZone(String tenant, ZoneId zone) {
        if (tenants.find(tenant).isEmpty()) {
            throw new IllegalArgumentException("There is no tenant '" + tenant + "'; tenant:list shows them");
        }
        jobs.setZone(tenant, zone);
    }
}
