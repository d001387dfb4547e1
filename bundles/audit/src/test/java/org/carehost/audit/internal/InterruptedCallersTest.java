package org.carehost.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.carehost.audit.AuditEvent;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.AuditUnavailableException;
import org.carehost.store.Store;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

/**
 * The H2 trail's write path (group commit, journal, database copy) with a caller whose interrupt is set, as a plugin's
 * thread is once its plugin is quarantined: whichever caller leads a batch writes the others' records too, so its
 * interrupt must fail none of them, nor close the journal.
 */
@Timeout(60)
class InterruptedCallersTest {

    @TempDir
    Path dir;

    private JdbcDataSource database;
    private Connection keepAlive;
    private JournalWriter writer;
    private GroupCommit<AuditEvent, AuditRecord> commits;
    private final List<Exception> failedBatches = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:interrupted-" + System.nanoTime());
        keepAlive = database.getConnection();
        AuditSchema.create(keepAlive);
        writer = new JournalWriter(store(), quietLogger(), new ChainLinks("node-1", Clock.systemUTC()), dir.resolve("journal"),
                100_000);
        commits = new GroupCommit<>(writer::write, 1000, 100, TimeUnit.SECONDS.toNanos(30), (size, e) -> failedBatches.add(e));
    }

    @AfterEach
    void stop() throws SQLException {
        commits.close();
        writer.close();
        keepAlive.close();
    }

    @Test
    void aCallerWithItsInterruptSetFailsNobodysRecordsAndTheJournalStaysOpen() throws Exception {
        // Alone, the interrupted caller leads: its own record is written, its interrupt kept.
        Thread.currentThread().interrupt();
        try {
            assertEquals(1, commits.submit(event("interrupted", 0)).sequence());
        } finally {
            assertTrue(Thread.interrupted(), "the caller's interrupt is kept");
        }

        // Together: records of a caller that is never interrupted all succeed, whoever leads their batch.
        AtomicInteger interruptedWritten = new AtomicInteger();
        List<Throwable> interruptedFailures = new CopyOnWriteArrayList<>();
        CountDownLatch firstSubmitted = new CountDownLatch(1);
        Thread interrupted = new Thread(() -> {
            for (int i = 1; i <= 500; i++) {
                Thread.currentThread().interrupt();
                try {
                    commits.submit(event("interrupted", i));
                    interruptedWritten.incrementAndGet();
                } catch (AuditUnavailableException e) {
                    interruptedFailures.add(e);
                } finally {
                    firstSubmitted.countDown(); // the first submit ran alone: it led, and wrote its record
                }
            }
        }, "interrupted caller");
        CompletableFuture<Integer> other = new CompletableFuture<>();
        Thread plain = new Thread(() -> {
            try {
                for (int i = 0; i < 500; i++) {
                    commits.submit(event("plain", i));
                }
                other.complete(500);
            } catch (Throwable e) {
                other.completeExceptionally(e);
            }
        }, "plain caller");
        interrupted.start();
        assertTrue(firstSubmitted.await(50, TimeUnit.SECONDS));
        plain.start();
        assertEquals(500, other.get(50, TimeUnit.SECONDS), "every record of the caller never interrupted is written");
        interrupted.join(TimeUnit.SECONDS.toMillis(50));
        assertFalse(interrupted.isAlive(), "the interrupted caller's 500 submits ended");
        assertEquals(List.of(), failedBatches, "no batch failed");
        for (Throwable failure : interruptedFailures) {
            // The interrupted caller may give up waiting as a follower: its own call only.
            assertTrue(failure.getMessage().startsWith("Interrupted while waiting"), failure.getMessage());
        }
        assertTrue(interruptedWritten.get() > 0, "the interrupted caller's records are written when it leads");

        writer.awaitReadable();
        try (Stream<Path> segments = Files.list(dir.resolve("journal"))) {
            assertEquals(1, segments.count(), "one journal segment: it was never closed under the callers");
        }
        long rows = AuditSchema.count(keepAlive, "SELECT COUNT(*) FROM audit_record");
        // exactly: a record whose caller gave up waiting (and was told it was not written) is never written after all
        assertEquals(1 + 500 + interruptedWritten.get(), rows, rows + " rows, " + interruptedFailures.size()
                + " interrupted callers refused");
    }

    private static AuditEvent event(String user, int i) {
        return new AuditEvent("org.example.plugin", "1.0", user, null, AuditAction.READ, "PatientService.get", "Patient",
                "p-" + i, "p-" + i, null, AuditOutcome.SUCCESS, null);
    }

    private Store store() {
        return H2TestStore.of(database, () -> false);
    }

    private static Logger quietLogger() {
        return H2TestStore.quietLogger();
    }
}
