package org.carehost.scheduler.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
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
import org.carehost.plugins.PluginCalls;
import org.carehost.scheduler.Job;
import org.carehost.scheduler.SchedulerAdmin;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.schedule.ScheduledTask;
import org.carehost.security.PluginLimits;
import org.carehost.store.StaleClaims;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Runs due jobs: every {@value #POLL_MILLIS} ms it reads the jobs due by the container {@link Clock} (a service, so
 * that tests move time instead of sleeping) and has {@link JobRunner} run each: claimed for one node (see {@link Jobs}),
 * the plugin's {@link ScheduledTask} called through {@link PluginCalls} (deadline, counters, quarantine) in a care
 * context of the job's tenant and purpose with no user, a cron job then due at its next time in the tenant's zone, a
 * one-off job done or retried a minute later up to {@value #ATTEMPTS} attempts, each run audited and posted as
 * {@code carehost/schedule/RAN} or {@code FAILED}. A job whose plugin or task is not there (stopped, updating, not
 * started yet) waits a minute and is tried again, or sooner: at the first poll after a task of its plugin registers
 * ({@link TaskWaits}). A job whose payload does not open on this node is passed over (below). A run a killed process
 * left claimed is run again at the next start when only this process can open the database ({@link StaleClaims});
 * nodes sharing PostgreSQL wait its claim out. This class polls, passes over and answers {@link SchedulerAdmin}.
 */
@Component(service = {SchedulerEngine.class, SchedulerAdmin.class}, immediate = true)
public final class SchedulerEngine implements SchedulerAdmin {

    static final long POLL_MILLIS = 200;
    static final int ATTEMPTS = 3;

    private final Jobs jobs;
    private final BundleContext context;
    private final TaskWaits waits = new TaskWaits();
    private final ServiceListener taskListener = waits::taskRegistered;
    private final Tenants tenants;
    private final AuditLog audit;
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

    /** Runs each due job this node takes. */
    private final JobRunner runner;

    @Activate
    public SchedulerEngine(BundleContext context, @Reference Store store, @Reference PhiCipher cipher,
            @Reference PluginCalls calls, @Reference PluginLimits limits, @Reference ContextBinder binder,
            @Reference Tenants tenants, @Reference AuditLog audit, @Reference EventAdmin events,
            @Reference(service = LoggerFactory.class) Logger log,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.clock = clock;
        this.jobs = new Jobs(store, cipher);
        this.tenants = tenants;
        this.audit = audit;
        this.log = log;
        this.context = context;
        this.runner = new JobRunner(jobs, node, calls, limits, binder, audit, events, log, clock, waits, this::zone);
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
            waits.dueAgainForNewTasks(jobs);
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
                if (row.opens()) {
                    runner.run(row, now);
                } else {
                    passOver(row);
                }
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
