package org.carehost.audit.internal;

import static org.carehost.audit.internal.TestRecords.chain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.carehost.sdk.audit.AuditRecord;
import org.carehost.store.Store;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

/** The database copy behind the journal, on a real H2 database that can be made unreachable. */
class IndexerTest {

    @TempDir
    Path dir;

    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private JdbcDataSource database;
    private Connection keepAlive;

    @BeforeEach
    void schema() throws SQLException, IOException {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:indexer-" + System.nanoTime());
        keepAlive = database.getConnection();
        AuditSchema.create(keepAlive);
    }

    @AfterEach
    void close() throws SQLException {
        keepAlive.close();
    }

    @Test
    void writersWaitForRoomWhileTheCopyIsBehindAndAreRefusedWhenItDoesNotCatchUp() throws Exception {
        databaseDown.set(true);
        List<AuditRecord> records = chain(1, 100, Chain.GENESIS);
        try (Journal journal = new Journal(dir); Indexer indexer = new Indexer(store(), journal, quietLogger(), 0, 100)) {
            journal.append(records);
            indexer.enqueue(records);

            indexer.awaitRoom(100, 0); // 100 behind is within the limit
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> indexer.awaitRoom(101, 200));
            assertTrue(refused.getMessage().contains("100 records behind"), refused.getMessage());
            assertTrue(refused.getMessage().contains("nothing was recorded"), refused.getMessage());

            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> indexer.awaitRoom(150, 20_000));
            Thread.sleep(300);
            assertTrue(!waiting.isDone(), "a writer waits while the database is unreachable");
            databaseDown.set(false);
            waiting.get(20, TimeUnit.SECONDS); // released once the copy catches up (after the indexer's retry)
            indexer.awaitIndexed(100, 20_000);
            assertEquals(100, rows(), "every queued record reached the database");
        }
    }

    @Test
    void theBatchThatCompletesARunAddsThePatientPostingsOfTheRun() throws Exception {
        int total = (int) PatientPostings.RUN + 5_000;
        List<AuditRecord> records = chain(1, total, Chain.GENESIS);
        try (Journal journal = new Journal(dir); Indexer indexer = new Indexer(store(), journal, quietLogger(), 0, total)) {
            journal.append(records);
            indexer.enqueue(records);
            indexer.awaitIndexed(total, 30_000);
        }
        long covered = PatientPostings.coveredUpTo(keepAlive);
        assertTrue(covered >= PatientPostings.RUN && covered <= total, "a run up to the batch that completed it: " + covered);
        assertEquals(covered, AuditSchema.listed(keepAlive), "every record of the run is listed");
        assertEquals(0, PatientPostings.firstMissing(keepAlive));
    }

    @Test
    void afterARestartTheRecordsCopiedBeforeItJoinTheNextRun() throws Exception {
        List<AuditRecord> records = chain(1, (int) PatientPostings.RUN + 5_000, Chain.GENESIS);
        List<AuditRecord> beforeRestart = records.subList(0, 5_000);
        List<AuditRecord> afterRestart = records.subList(5_000, records.size());
        try (Journal journal = new Journal(dir); Indexer indexer = new Indexer(store(), journal, quietLogger(), 0, records.size())) {
            indexer.enqueue(beforeRestart);
            indexer.awaitIndexed(5_000, 30_000);
        }
        assertEquals(0, PatientPostings.coveredUpTo(keepAlive), "no run yet");
        try (Journal journal = new Journal(dir); Indexer indexer = new Indexer(store(), journal, quietLogger(), 5_000, records.size())) {
            indexer.enqueue(afterRestart);
            indexer.awaitIndexed(records.size(), 30_000);
        }
        long covered = PatientPostings.coveredUpTo(keepAlive);
        assertTrue(covered >= PatientPostings.RUN, "a run was added: " + covered);
        assertEquals(covered, AuditSchema.listed(keepAlive), "the first 5,000 records are in it too");
        assertEquals(0, PatientPostings.firstMissing(keepAlive));
    }

    @Test
    void aLagLimitBelowOneIsRefused() throws IOException {
        try (Journal journal = new Journal(dir)) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new Indexer(store(), journal, quietLogger(), 0, 0));
            assertTrue(refused.getMessage().contains("at least 1"), refused.getMessage());
        }
    }

    @Test
    void aWriterWaitingForRoomIsNotStoppedByItsInterruptAndKeepsIt() throws Exception {
        // The writer may lead a group commit: an interrupt must not fail the other callers' records in its batch.
        databaseDown.set(true);
        List<AuditRecord> records = chain(1, 100, Chain.GENESIS);
        try (Journal journal = new Journal(dir); Indexer indexer = new Indexer(store(), journal, quietLogger(), 0, 100)) {
            journal.append(records);
            indexer.enqueue(records);
            CompletableFuture<Boolean> keptInterrupt = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                Thread.currentThread().interrupt(); // set before the wait
                try {
                    indexer.awaitRoom(150, 20_000);
                    keptInterrupt.complete(Thread.currentThread().isInterrupted());
                } catch (Throwable failed) {
                    keptInterrupt.completeExceptionally(failed);
                }
            });
            writer.start();
            while (writer.getState() != Thread.State.TIMED_WAITING && !keptInterrupt.isDone()) {
                Thread.onSpinWait();
            }
            writer.interrupt(); // and one during it
            databaseDown.set(false);
            assertTrue(keptInterrupt.get(20, TimeUnit.SECONDS), "released by the copy catching up, interrupt kept");
        }
    }

    private long rows() throws SQLException {
        return AuditSchema.count(keepAlive, "SELECT COUNT(*) FROM audit_record");
    }

    private Store store() {
        return H2TestStore.of(database, databaseDown::get);
    }

    private static Logger quietLogger() {
        return H2TestStore.quietLogger();
    }
}
