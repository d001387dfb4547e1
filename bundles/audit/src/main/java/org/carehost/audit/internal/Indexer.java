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
 * the records meanwhile); readers wait for the copy to catch up before they read.
 */
final class Indexer implements AutoCloseable {

    private static final int MAX_BATCH = 5000;

    private final Store store;
    private final Journal journal;
    private final Logger log;
    private final LinkedBlockingQueue<AuditRecord> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long indexed;

    Indexer(Store store, Journal journal, Logger log, long indexedUpTo) {
        this.store = store;
        this.journal = journal;
        this.log = log;
        this.indexed = indexedUpTo;
        this.thread = new Thread(this::loop, "carehost-audit-indexer");
        thread.setDaemon(true);
        thread.start();
    }

    void enqueue(List<AuditRecord> records) {
        queue.addAll(records);
    }

    /** Waits until the database holds every record up to {@code sequence}. */
    synchronized void awaitIndexed(long sequence, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (indexed < sequence) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new IllegalStateException("The audit trail's database copy is behind (at " + indexed + " of "
                        + sequence + "); the records are safe in the journal. Is the database reachable?");
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }
    }

    private void loop() {
        List<AuditRecord> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    AuditRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
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
                log.error("Audit records not yet copied to the database (they are safe in the journal); retrying: {}", e.toString());
                sleep();
            } catch (InterruptedException e) {
                // closing: the loop drains what is left
            }
        }
    }

    private void insert(List<AuditRecord> batch) throws SQLException {
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            AuditRows.insert(connection, batch);
            connection.commit();
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
        return queue.isEmpty() && !thread.isAlive();
    }

    /** Copies what is queued, then stops. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
