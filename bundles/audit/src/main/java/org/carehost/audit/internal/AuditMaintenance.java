package org.carehost.audit.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.audit.AuditLog;
import org.carehost.store.Store;
import org.osgi.service.log.Logger;

/**
 * The audit trail's scheduled jobs, on one thread: the daily retention run, a signed checkpoint every few minutes
 * when records were added, and on PostgreSQL (where no copier thread adds them as it goes) the patient postings
 * every 5 s. Each job's failure is logged and the next round tries again.
 *
 * <p>Started and stopped by {@link AuditLogImpl}, not a component of its own: as an immediate component referencing
 * the trail it activated the trail (and, on a first start, the store's migrations) on the runtime's own thread while
 * the container started, which held back the enabling of other bundles' components, such as the shell's commands.
 */
final class AuditMaintenance implements AutoCloseable {

    private final AuditLog trail;
    private final Store store;
    private final Logger log;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(null, runnable, "carehost-audit-maintenance", 0, false);
        thread.setDaemon(true);
        return thread;
    });
    /** The head at the last periodic checkpoint; only the scheduler's thread uses it. */
    private long lastCheckpoint;

    AuditMaintenance(AuditLog trail, Store store, Logger log, long checkpointMinutes) {
        this.trail = trail;
        this.store = store;
        this.log = log;
        scheduler.scheduleWithFixedDelay(this::archive, 1, TimeUnit.DAYS.toMinutes(1), TimeUnit.MINUTES);
        scheduler.scheduleWithFixedDelay(this::checkpointIfAdvanced, checkpointMinutes, checkpointMinutes, TimeUnit.MINUTES);
        if (store.dialect() == Store.Dialect.POSTGRESQL) {
            scheduler.scheduleWithFixedDelay(this::extendPostings, 5, 5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private void archive() {
        try {
            trail.archive();
        } catch (RuntimeException e) {
            log.error("Audit retention run failed (nothing was removed): {}", e.getMessage());
        }
    }

    /** A periodic checkpoint, when records were added since the last one. */
    private void checkpointIfAdvanced() {
        try {
            long sequence;
            try (Connection connection = store.connection()) {
                sequence = AuditRows.head(connection).sequence();
            }
            if (sequence > lastCheckpoint) {
                trail.checkpoint();
                lastCheckpoint = sequence;
            }
        } catch (SQLException | RuntimeException e) {
            log.error("Periodic audit checkpoint failed: {}", e.toString());
        }
    }

    private void extendPostings() {
        try (Connection connection = store.connection()) {
            PatientPostings.extendShared(connection);
        } catch (SQLException | RuntimeException e) {
            log.warn("Audit patient postings not extended this round (searches by patient scan the newer records): {}",
                    e.toString());
        }
    }
}
