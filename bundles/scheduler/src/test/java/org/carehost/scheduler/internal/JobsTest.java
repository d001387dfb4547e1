package org.carehost.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.carehost.crypto.PhiCipher;
import org.carehost.scheduler.Job;
import org.carehost.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A job whose run kills the process: each start releases its stale claim (the scheduler's first activation in a
 * process), and each claim counts an attempt, durably, before the run; so after {@link SchedulerEngine#ATTEMPTS}
 * runs that never finished it is FAILED at the next start instead of running again at every start for ever. On H2.
 */
class JobsTest {

    private final String url = "jdbc:h2:mem:jobs" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private final Instant now = Instant.parse("2031-01-02T10:00:00Z");

    @AfterEach
    void drop() throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            sql.execute("SHUTDOWN");
        }
    }

    @Test
    void aRunThatNeverFinishesCountsAndFailsPastTheAttempts() throws Exception {
        Jobs jobs = jobs();
        jobs.insert(new Job("j-1", "org.example.crasher", "north", "operations", "crash", null, now, "SCHEDULED", 0,
                null), null, now);
        jobs.insert(new Job("j-2", "org.example.fine", "north", "operations", "fine", null, now, "SCHEDULED", 0, null),
                null, now);
        for (int start = 1; start <= SchedulerEngine.ATTEMPTS; start++) {
            Jobs.Row row = due("j-1");
            assertTrue(jobs.claim(row, "node-a", now.plusSeconds(90)), "claimed at start " + start);
            // ... the run kills the process: nothing finishes it. The next start:
            Jobs.Released released = jobs.releaseClaims(SchedulerEngine.ATTEMPTS);
            Job job = job(jobs, "j-1");
            assertEquals(start, job.attempts(), "the claimed run was counted though it never finished");
            if (start < SchedulerEngine.ATTEMPTS) {
                assertEquals(new Jobs.Released(1, 0), released);
                assertEquals("SCHEDULED", job.state(), "run again at this start");
            } else {
                assertEquals(new Jobs.Released(0, 1), released);
                assertEquals("FAILED", job.state(), "not run again at every start for ever");
                assertEquals(Jobs.crashed(SchedulerEngine.ATTEMPTS, null), job.lastError());
            }
        }
        assertEquals(List.of("j-2"), jobs.due(now, 20, List.of()).stream().map(row -> row.job().id()).toList(),
                "the failed job is no longer due; the other one is");
        assertEquals("SCHEDULED", job(jobs, "j-2").state());
    }

    @Test
    void aRunThatFinishesWritesItsOwnCount() throws Exception {
        Jobs jobs = jobs();
        jobs.insert(new Job("j-3", "org.example.fine", "north", "operations", "fine", null, now, "SCHEDULED", 0, null),
                null, now);
        Jobs.Row row = due("j-3");
        assertTrue(jobs.claim(row, "node-a", now.plusSeconds(90)));
        assertEquals(1, job(jobs, "j-3").attempts());
        jobs.finish("j-3", row.version() + 1, "SCHEDULED", now, row.job().attempts(), "its task was not there");
        assertEquals(0, job(jobs, "j-3").attempts(), "put off without running: not an attempt");
    }

    @Test
    void aFailedRunThenACrashKeepsTheRealError() throws Exception {
        Jobs jobs = jobs();
        jobs.insert(new Job("j-4", "org.example.flaky", "north", "operations", "flaky", null, now, "SCHEDULED", 0,
                null), null, now);
        for (int run = 1; run < SchedulerEngine.ATTEMPTS; run++) { // runs that fail with an error, retried
            Jobs.Row row = due("j-4");
            assertTrue(jobs.claim(row, "node-a", now.plusSeconds(90)));
            jobs.finish("j-4", row.version() + 1, "SCHEDULED", now, run, "the lab system said 503 (run " + run + ")");
        }
        assertTrue(jobs.claim(due("j-4"), "node-a", now.plusSeconds(90))); // the last run: its process is killed
        assertEquals(new Jobs.Released(0, 1), jobs.releaseClaims(SchedulerEngine.ATTEMPTS));
        Job job = job(jobs, "j-4");
        assertEquals("FAILED", job.state());
        assertEquals(Jobs.crashed(SchedulerEngine.ATTEMPTS, "the lab system said 503 (run 2)"), job.lastError(),
                "the last run did not finish; the error before it is kept, not overwritten");
    }

    /**
     * A poll runs its due jobs one after another: a job claimed late in a poll, and run to its full deadline twice
     * (held for its plugin's new version, then running), is not due for another node until the run cannot still be
     * going on, so another node never claims it again or marks it FAILED meanwhile; then it is.
     */
    @Test
    void aClaimCoversItsRunFromTheClaimNotFromThePoll() throws Exception {
        Jobs jobs = jobs();
        jobs.insert(new Job("j-5", "org.example.slow", "north", "operations", "slow", null, now, "SCHEDULED",
                SchedulerEngine.ATTEMPTS - 1, null), null, now);
        Jobs.Row row = due("j-5"); // read by node A's poll at 'now'
        Duration deadline = Duration.ofSeconds(30);
        Instant claimedAt = now.plus(Duration.ofMinutes(5)); // the poll's earlier jobs took five minutes
        assertTrue(jobs.claimRun(row, "node-a", Clock.fixed(claimedAt, ZoneOffset.UTC), deadline));
        Instant runCannotBeGoingOn = claimedAt.plus(deadline.multipliedBy(2));
        for (Instant b = now; !b.isAfter(runCannotBeGoingOn.plus(Jobs.CLAIM_MARGIN)); b = b.plusSeconds(10)) {
            Instant at = b;
            assertTrue(jobs.due(at, 20, List.of()).stream().noneMatch(due -> due.job().id().equals("j-5")),
                    "node B at " + at + " must not take the job node A still runs (claimed at " + claimedAt + ")");
        }
        assertEquals(List.of("j-5"), jobs.due(runCannotBeGoingOn.plus(Jobs.CLAIM_MARGIN).plusMillis(1), 20, List.of())
                .stream().map(due -> due.job().id()).toList(), "past the claim: node A is gone, another node may");
    }

    private Jobs.Row due(String id) {
        return jobs().due(now, 20, List.of()).stream().filter(row -> row.job().id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(id + " is not due"));
    }

    private static Job job(Jobs jobs, String id) {
        return jobs.all(true).stream().map(Jobs.Row::job).filter(job -> job.id().equals(id)).findFirst()
                .orElseThrow();
    }

    private Jobs jobs() {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS scheduled_work (id VARCHAR(64) NOT NULL PRIMARY KEY, "
                    + "plugin VARCHAR(255) NOT NULL, tenant VARCHAR(64) NOT NULL, purpose VARCHAR(32) NOT NULL, "
                    + "task VARCHAR(200) NOT NULL, cron VARCHAR(200), payload VARCHAR(2000000), "
                    + "due_at TIMESTAMP WITH TIME ZONE NOT NULL, state VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL, "
                    + "claim_until TIMESTAMP WITH TIME ZONE, claimed_by VARCHAR(200), last_error VARCHAR(2000), "
                    + "version_id BIGINT NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        Store store = (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "connection" -> DriverManager.getConnection(url);
                    case "dialect" -> Store.Dialect.H2;
                    case "hashCode" -> 1;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
        PhiCipher cipher = (PhiCipher) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PhiCipher.class}, (proxy, method, arguments) -> {
                    throw new AssertionError("no payload in these jobs: nothing to seal or open");
                });
        return new Jobs(store, cipher);
    }
}
