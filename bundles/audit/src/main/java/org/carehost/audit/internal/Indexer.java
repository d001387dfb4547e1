package org.carehost.audit.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.carehost.sdk.audit.AuditRecord;
import org.carehost.store.Store;
import org.osgi.service.log.Logger;

/**
 * Copies journaled records into the database, in large batches, behind the callers' backs: they were
 * acknowledged when the journal had them. If the database fails, the batch is retried (the journal keeps
 * the records meanwhile); readers wait for the copy to catch up before they read. The copy may fall at most
 * {@code maxLag} records behind: writers wait for room ({@link #awaitRoom}), so that callers faster than
 * the database slow down to its pace instead of filling the heap with queued records.
 */
final class Indexer implements AutoCloseable {

    private static final int MAX_BATCH = 5000;
    /**
     * Put in the queue by {@link #close}, so that the loop, waiting for records, wakes at once instead of at the end of
     * its wait (up to 100 ms of every stop); never written. Not an interrupt: an interrupt while H2 writes closes its file.
     */
    private static final AuditRecord CLOSING = new AuditRecord(-1, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null);

    private final Store store;
    private final Journal journal;
    private final Logger log;
    private final LinkedBlockingQueue<AuditRecord> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Set when the copy ended at close with records it could not copy: the journal must keep them. */
    private volatile boolean leftInJournal;
    private final long maxLag;
    private long indexed;
    /** How far the patient postings reach (read from the database at the first batch); only the loop uses these. */
    private long postingsUpTo = -1;
    /** The postings of the records after {@link #postingsUpTo}, for the next run. */
    private final List<PatientPostings.Posting> nextRun = new ArrayList<>();

    Indexer(Store store, Journal journal, Logger log, long indexedUpTo, long maxLag) {
        if (maxLag < 1) {
            throw new IllegalArgumentException("The audit index lag limit must be at least 1 record, not " + maxLag);
        }
        this.store = store;
        this.journal = journal;
        this.log = log;
        this.indexed = indexedUpTo;
        this.maxLag = maxLag;
        this.thread = new Thread(this::loop, "carehost-audit-indexer");
        thread.setDaemon(true);
        thread.start();
    }

    void enqueue(List<AuditRecord> records) {
        queue.addAll(records);
    }

    /** Waits until the database holds every record up to {@code sequence}. */
    void awaitIndexed(long sequence, long timeoutMillis) {
        if (!await(sequence, timeoutMillis)) {
            throw new IllegalStateException("The audit trail's database copy is behind (at " + indexedUpTo() + " of "
                    + sequence + "); the records are safe in the journal. Is the database reachable?");
        }
    }

    /**
     * Waits until records up to {@code lastSequence} may be written without the database copy falling more than
     * the lag limit behind; if it does not catch up in time, nothing may be written (the caller fails closed).
     */
    void awaitRoom(long lastSequence, long timeoutMillis) {
        if (!await(lastSequence - maxLag, timeoutMillis)) {
            throw new IllegalStateException("The audit trail's database copy is " + (lastSequence - 1 - indexedUpTo())
                    + " records behind and did not catch up within " + timeoutMillis / 1000 + " s (the limit is " + maxLag
                    + "); nothing was recorded. Is the database reachable?");
        }
    }

    /** How many records up to {@code sequence} the database does not show yet. */
    long lag(long sequence) {
        return Math.max(0, sequence - indexedUpTo());
    }

    private synchronized long indexedUpTo() {
        return indexed;
    }

    /**
     * Not interruptible (bounded by the timeout): the caller may be the leader of a group commit writing other callers'
     * records, which its own interrupt must not fail. An interrupt received is kept for the caller.
     */
    private synchronized boolean await(long sequence, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis); // a duration, not a time
        boolean interrupted = Thread.interrupted();
        try {
            while (indexed < sequence) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        List<AuditRecord> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    AuditRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null || first == CLOSING) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    batch.removeIf(record -> record == CLOSING);
                    if (batch.isEmpty()) {
                        continue;
                    }
                }
                insert(batch);
                long last = batch.get(batch.size() - 1).sequence();
                batch.clear();
                synchronized (this) {
                    indexed = last;
                    notifyAll();
                }
                journal.indexed(last);
            } catch (SQLException | IOException | RuntimeException e) {
                if (!running) {
                    // Closing (the container stops): no retry, which would hold the stop up to close()'s bound with an
                    // error a second. The journal keeps what is not copied, and the next start copies it (replay).
                    leftInJournal = true;
                    log.warn("Audit: {} record(s) not copied to the database as the audit trail stops ({}); they are "
                            + "safe in the journal, and the next start copies them",
                            batch.size() + queue.stream().filter(record -> record != CLOSING).count(), e.toString());
                    return;
                }
                log.error("Audit records not yet copied to the database (they are safe in the journal); retrying: {}", e.toString());
                sleep();
            } catch (InterruptedException e) {
                // closing: the loop drains what is left
            }
        }
    }

    /** The batch, and when a run of postings is due, that run: in one transaction, so a retry repeats neither. */
    private void insert(List<AuditRecord> batch) throws SQLException {
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            int before = nextRun.size();
            try {
                AuditRows.insert(connection, batch);
                if (postingsUpTo < 0) {
                    // First batch since the start: the records after the newest run, copied before a restart.
                    long covered = PatientPostings.coveredUpTo(connection);
                    nextRun.addAll(PatientPostings.between(connection, covered, batch.get(0).sequence() - 1));
                    postingsUpTo = covered;
                    before = nextRun.size();
                }
                for (AuditRecord record : batch) {
                    if (record.patientId() != null) {
                        nextRun.add(new PatientPostings.Posting(record.patientId(), record.sequence()));
                    }
                }
                long last = batch.get(batch.size() - 1).sequence();
                boolean runDue = last - postingsUpTo >= PatientPostings.RUN;
                if (runDue) {
                    PatientPostings.insertRun(connection, nextRun, last);
                }
                connection.commit();
                if (runDue) {
                    nextRun.clear();
                    postingsUpTo = last;
                }
            } catch (SQLException | RuntimeException e) {
                nextRun.subList(before, nextRun.size()).clear();
                connection.rollback();
                throw e;
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether every record handed over is in the database. */
    boolean isEmpty() {
        return !leftInJournal && queue.isEmpty() && !thread.isAlive();
    }

    /** Copies what is queued, then stops. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        queue.add(CLOSING);
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
