package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.scheduler.Job;
import org.carehost.scheduler.SchedulerAdmin;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.security.PluginLimits;
import org.carehost.store.Store;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Scheduled work through a plugin ({@code scheduled-worker}) with the container clock replaced by one the test moves:
 * a one-off job runs once its time comes, in the tenant and purpose it was scheduled in, with no user, and is
 * audited; it survives the scheduler's restart; a cron job runs at its time in the tenant's zone and is due again the
 * next day; {@code schedule:list} shows it and {@code schedule:cancel} ends it. No sleeps: the test moves the clock
 * and waits for the run. {@link SchedulerPostgresIT} runs the same on PostgreSQL.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SchedulerIT {

    private static final String WORKER = "org.carehost.fixture.scheduledworker";

    @Inject
    BundleContext context;

    @Inject
    SchedulerAdmin scheduler;

    @Inject
    Tenants tenants;

    @Inject
    ContextBinder binder;

    @Inject
    AuditLog audit;

    @Inject
    CommandProcessor shell;

    @Inject
    Store store;

    @Inject
    PluginLimits limits;

    private TestClock clock;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        return new Option[] {ContainerOptions.hostServices(deploy, jdbcUrl()), ContainerOptions.gogoCommands()};
    }

    protected String jdbcUrl() {
        return "jdbc:h2:mem:scheduler-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @Before
    public void moveableClock() throws Exception {
        clock = TestClock.register(context, Instant.parse("2030-03-01T00:00:00Z"));
        if (Fixtures.installed(context, WORKER).isEmpty()) {
            Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-scheduled-worker")).start();
        }
        Await.until("the worker is ready", 20_000, () -> Fixtures.hasFunctionProbe(context, "scheduled-worker"));
    }

    @After
    public void systemClock() {
        clock.close();
    }

    private String work(String tenant, String command) throws Exception {
        CareContext care = binder.declare(tenant, "clerk.ann", Set.of("clerk"), Purpose.OPERATIONS, null);
        try (ContextBinder.Binding bound = binder.bind(care)) {
            return Fixtures.applyProbe(context, "scheduled-worker", command);
        }
    }

    private String runs() {
        try {
            return Fixtures.applyProbe(context, "scheduled-worker", "runs");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the worker to note the run; on timeout says what the job's row and the worker hold. */
    private void awaitRun(String id, String line) throws InterruptedException {
        try {
            Await.until("the job ran", 20_000, () -> runs().contains(line));
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "; job " + job(id) + "; runs: " + runs(), timedOut);
        }
    }

    private Job job(String id) {
        return scheduler.jobs(true).stream().filter(job -> job.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no job " + id));
    }

    @Test
    public void aOneOffJobRunsAtItsTimeInItsTenantAndPurposeAndSurvivesARestart() throws Exception {
        Instant at = clock.instant().plusSeconds(3600);
        String id = work(CareContext.DEFAULT_TENANT, "once|" + at + "|{\"appointment\":\"A-1\"}");
        assertEquals("SCHEDULED", job(id).state());
        assertFalse(runs().contains(id));

        Bundle engine = Fixtures.bundle(context, "org.carehost.scheduler");
        engine.stop(); // a restart: the job is in the store, not in memory
        engine.start();
        Await.until("the worker is back", 20_000, () -> Fixtures.hasFunctionProbe(context, "scheduled-worker"));
        clock.set(at);
        awaitRun(id, "job=" + id);
        String run = runs().lines().filter(line -> line.startsWith("job=" + id)).findFirst().orElseThrow();
        assertEquals("job=" + id + " tenant=default purpose=" + Purpose.OPERATIONS.code()
                + " user=- payload={\"appointment\":\"A-1\"}", run);
        Await.until("the job is done", 10_000, () -> job(id).state().equals("DONE"));
        boolean audited = false;
        for (AuditRecord record : audit.query(AuditQuery.latest(50)).items()) {
            audited |= "ScheduledTask.run".equals(record.operation()) && id.equals(record.resourceId())
                    && WORKER.equals(record.plugin());
        }
        assertTrue("the run is audited", audited);
    }

    /** A run that throws is retried, and the log says so in one line (it was only in the audit trail and the row). */
    @Test
    public void aFailedRunIsLoggedAndTriedAgain() throws Exception {
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.osgi.framework.ServiceReference<org.osgi.service.log.LogReaderService> reader =
                context.getServiceReference(org.osgi.service.log.LogReaderService.class);
        org.osgi.service.log.LogListener listener = entry -> logged.add(entry.getMessage());
        context.getService(reader).addLogListener(listener);
        try {
            Instant at = clock.instant().plusSeconds(3600);
            String id = work(CareContext.DEFAULT_TENANT, "once|" + at + "|{\"fail\":true}");
            clock.set(at);
            Await.until("the failed run logged", 20_000, () -> logged.stream().anyMatch(line ->
                    line.startsWith("Scheduled job " + id + " (task 'tick' of plugin " + WORKER)
                            && line.contains("failed; attempt 1 of 3; tried again at")));
            Job job = job(id);
            assertEquals("SCHEDULED", job.state());
            assertTrue(String.valueOf(job.lastError()), job.lastError().contains("asked to fail by its payload"));
            assertFalse("the plugin's message stays out of the log: " + logged,
                    logged.stream().anyMatch(line -> line.contains("asked to fail")));
            assertTrue(scheduler.cancel(id));
        } finally {
            context.getService(reader).removeLogListener(listener);
            context.ungetService(reader);
        }
    }

    @Test
    public void aPluginsJobsAreBounded() throws Exception {
        Instant later = clock.instant().plusSeconds(365L * 24 * 3600); // never due during the test
        long limit = live() + 3;
        List<String> made = new ArrayList<>();
        try (PolicyLines line = PolicyLines.add(context, "jobs plugin " + WORKER + " " + limit,
                () -> limits.jobs(WORKER) == limit, () -> limits.jobs(WORKER) == PluginLimits.DEFAULT_JOBS)) {
            String refused = null;
            for (int i = 0; refused == null && i < 10; i++) {
                String answer = work(CareContext.DEFAULT_TENANT, i % 2 == 0 ? "once|" + later : "cron|0 3 1 1 *");
                if (answer.startsWith("ValidationException")) {
                    refused = answer;
                } else {
                    made.add(answer);
                }
            }
            assertEquals("three more jobs, then a refusal: " + refused, 3, made.size());
            assertTrue(refused, refused.contains("jobs scheduled or running, its limit. Nothing was scheduled")
                    && refused.contains("'jobs plugin " + WORKER + " <n>' in the security policy"));
            assertEquals(limit, live());
            // a cancelled job makes room again
            assertEquals("true", work(CareContext.DEFAULT_TENANT, "cancel|" + made.remove(0)));
            String again = work(CareContext.DEFAULT_TENANT, "once|" + later);
            assertFalse(again, again.startsWith("ValidationException"));
            made.add(again);
        } finally {
            for (String id : made) {
                work(CareContext.DEFAULT_TENANT, "cancel|" + id);
            }
        }
    }

    /**
     * Jobs scheduled at once cannot pass the limit together: counted and stored as one step per plugin. Eight at once
     * where two fit, five times over (before, each counted the same live jobs and more were stored).
     */
    @Test
    public void aPluginsJobsAreBoundedForCallsAtOnce() throws Exception {
        Instant later = clock.instant().plusSeconds(365L * 24 * 3600);
        long limit = live() + 2;
        List<String> made = new ArrayList<>();
        try (PolicyLines line = PolicyLines.add(context, "jobs plugin " + WORKER + " " + limit,
                () -> limits.jobs(WORKER) == limit, () -> limits.jobs(WORKER) == PluginLimits.DEFAULT_JOBS)) {
            for (int round = 0; round < 5; round++) {
                List<String> answers = AtOnce.answers(8, i -> () -> work(CareContext.DEFAULT_TENANT, "once|" + later));
                List<String> scheduled = answers.stream().filter(answer -> !answer.startsWith("ValidationException"))
                        .toList();
                made.addAll(scheduled);
                assertEquals("round " + round + ": " + answers, 2, scheduled.size());
                assertEquals(limit, live());
                for (String id : scheduled) {
                    assertEquals("true", work(CareContext.DEFAULT_TENANT, "cancel|" + id));
                }
                made.removeAll(scheduled);
            }
        } finally {
            for (String id : made) {
                work(CareContext.DEFAULT_TENANT, "cancel|" + id);
            }
        }
    }

    private long live() {
        return scheduler.jobs(false).stream().filter(job -> job.plugin().equals(WORKER)).count();
    }

    @Test
    public void aCronJobRunsInTheTenantsZoneAndIsDueAgainUntilCancelled() throws Exception {
        String tenant = tenants.create("sch-" + UUID.randomUUID().toString().substring(0, 8), "Berlin Clinic", "test").id();
        tenants.enable(WORKER, tenant, "test");
        scheduler.setZone(tenant, ZoneId.of("Europe/Berlin"));
        String id = work(tenant, "cron|30 8 * * *");
        assertEquals(Instant.parse("2030-03-01T07:30:00Z"), job(id).due()); // 08:30 in Berlin (UTC+1 in March)
        assertTrue(Shell.run(shell, "schedule:list").contains(id));

        clock.set(Instant.parse("2030-03-01T07:30:00Z"));
        awaitRun(id, "job=" + id + " tenant=" + tenant);
        Await.until("it is due the next morning", 10_000,
                () -> job(id).due().equals(Instant.parse("2030-03-02T07:30:00Z")));

        assertTrue(Shell.run(shell, "schedule:cancel " + id).contains("Cancelled"));
        assertEquals("CANCELLED", job(id).state());
        assertFalse(Shell.run(shell, "schedule:list").contains(id));
        assertTrue(work(tenant, "cron|61 * * * *").contains("minute '61'"));
    }

    @Test
    public void jobsWhosePayloadDoesNotOpenOnThisNodeAreLeftAndTheOthersStillRun() throws Exception {
        Instant at = clock.instant().plusSeconds(7200);
        List<String> unopened = new ArrayList<>();
        for (int i = 0; i < 25; i++) { // more than one page of due jobs (20)
            unopened.add(work(CareContext.DEFAULT_TENANT, "once|" + at.minusSeconds(60 + i) + "|{\"n\":" + i + "}"));
        }
        String other = work(CareContext.DEFAULT_TENANT, "once|" + at + "|{\"n\":\"other\"}");
        // their payload becomes the last job's: sealed for another job, it does not open as theirs
        Sql.execute(store, "UPDATE scheduled_work SET payload = (SELECT payload FROM scheduled_work WHERE id = '"
                + other + "') WHERE id IN ('" + String.join("', '", unopened) + "')");
        clock.set(at);
        awaitRun(other, "job=" + other);
        String list = Shell.run(shell, "schedule:list");
        for (String id : unopened) {
            assertEquals("SCHEDULED", job(id).state());
            assertTrue(list.contains(id));
            assertFalse(runs().contains("job=" + id));
        }
        Await.until("each is audited once as not opening", 10_000, () -> {
            long reported = audit.query(AuditQuery.latest(200)).items().stream()
                    .filter(record -> unopened.contains(record.resourceId())
                            && "ScheduledTask.run".equals(record.operation()))
                    .count();
            return reported == unopened.size();
        });
    }
}
