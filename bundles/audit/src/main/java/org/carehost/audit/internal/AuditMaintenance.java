package org.carehost.audit.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.audit.AuditLog;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The audit trail's scheduled jobs, on one thread: the daily retention run, a signed checkpoint every few minutes
 * when records were added, and on PostgreSQL (where no copier thread adds them as it goes) the patient postings
 * every 5 s. Each job's failure is logged and the next round tries again.
 */
@Component(configurationPid = AuditConfiguration.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class AuditMaintenance {

    private final AuditLog trail;
    private final Store store;
    private final Logger log;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "carehost-audit-maintenance");
        thread.setDaemon(true);
        return thread;
    });
    /** The head at the last periodic checkpoint; only the scheduler's thread uses it. */
    private long lastCheckpoint;

    @Activate
    public AuditMaintenance(AuditConfiguration configuration, java.util.Map<String, Object> properties,
            BundleContext context, @Reference AuditLog trail,
            @Reference Store store, @Reference(service = LoggerFactory.class) Logger log) {
        this.trail = trail;
        this.store = store;
        this.log = log;
        long checkpointMinutes = AuditSettings.of(configuration, properties, context).checkpointMinutes();
        scheduler.scheduleWithFixedDelay(this::archive, 1, TimeUnit.DAYS.toMinutes(1), TimeUnit.MINUTES);
        scheduler.scheduleWithFixedDelay(this::checkpointIfAdvanced, checkpointMinutes, checkpointMinutes, TimeUnit.MINUTES);
        if (store.dialect() == Store.Dialect.POSTGRESQL) {
            scheduler.scheduleWithFixedDelay(this::extendPostings, 5, 5, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() {
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
