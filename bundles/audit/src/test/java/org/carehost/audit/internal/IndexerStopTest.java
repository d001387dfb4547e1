package org.carehost.audit.internal;

import static org.carehost.audit.internal.TestRecords.chain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.carehost.sdk.audit.AuditRecord;
import org.carehost.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

/**
 * A failure of the database copy while the audit trail stops is not an error of the running container: one warning,
 * the journal kept for the next start; the same failure while it runs is an error, retried.
 */
class IndexerStopTest {

    @TempDir
    Path dir;

    /** What was logged, as "level: message". */
    private final List<String> logged = new CopyOnWriteArrayList<>();

    @Test
    void aCopyThatFailsAsTheTrailClosesEndsWithOneWarningAndTheJournalKept() throws Exception {
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        Store store = failing(() -> {
            copying.countDown();
            fail.await(); // the copy under way when the stop comes; its database goes away then
        });
        List<AuditRecord> records = chain(1, 10, Chain.GENESIS);
        try (Journal journal = new Journal(dir)) {
            Indexer indexer = new Indexer(store, journal, recordingLogger(), 0, 100);
            journal.append(records);
            indexer.enqueue(records);
            assertTrue(copying.await(10, TimeUnit.SECONDS), "the copy started");
            Thread closer = new Thread(() -> {
                try {
                    indexer.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            closer.start();
            // close() has marked the copy as closing once it waits for the copy's thread
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
                assertTrue(System.nanoTime() < deadline, "close() did not wait for the copy");
                Thread.onSpinWait();
            }
            fail.countDown();
            closer.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(closer.isAlive(), "the stop is not held up by retries");
            assertEquals(List.of(), logged.stream().filter(line -> line.startsWith("error")).toList());
            assertEquals(1, logged.size(), logged.toString());
            assertTrue(logged.get(0).startsWith("warn: Audit: {} record(s) not copied to the database as the audit "
                    + "trail stops"), logged.toString());
            assertFalse(indexer.isEmpty(), "not everything was copied: the journal must be kept for the next start");
        }
    }

    @Test
    void aCopyThatFailsWhileTheTrailRunsIsAnError() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        CountDownLatch recovered = new CountDownLatch(1);
        Store store = failing(() -> {
            if (recovered.getCount() > 0) {
                failed.countDown();
                throw new SQLException("Connection refused (the test's outage)", "08001");
            }
        });
        List<AuditRecord> records = chain(1, 10, Chain.GENESIS);
        try (Journal journal = new Journal(dir)) {
            Indexer indexer = new Indexer(store, journal, recordingLogger(), 0, 100);
            journal.append(records);
            indexer.enqueue(records);
            assertTrue(failed.await(10, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (logged.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "nothing logged");
                Thread.onSpinWait();
            }
            assertTrue(logged.get(0).startsWith("error: Audit records not yet copied to the database"),
                    logged.toString());
            recovered.countDown();
            indexer.close();
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /** A store whose every connection first runs {@code step}, then fails (the database went away). */
    private static Store failing(Step step) {
        Store real = H2TestStore.of(null, () -> true);
        return (Store) java.lang.reflect.Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("connection")) {
                        step.run();
                        throw new SQLException("Database is already closed (the test's stop)", "90121");
                    }
                    try {
                        return method.invoke(real, arguments);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private Logger recordingLogger() {
        return (Logger) java.lang.reflect.Proxy.newProxyInstance(Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class}, (proxy, method, arguments) -> {
                    if (List.of("error", "warn", "info").contains(method.getName()) && arguments != null
                            && arguments[0] instanceof String message) {
                        logged.add(method.getName() + ": " + message);
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
    }

}
