package org.carehost.audit.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.audit.AuditStats;
import org.carehost.clock.ContainerClock;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.Verification;
import org.carehost.sdk.resource.Page;
import org.carehost.store.Paging;
import org.carehost.store.Statements;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The audit trail: appends go through {@link GroupCommit} to the store's {@link TrailWriter} ({@link JournalWriter}
 * on H2, {@link PostgresWriter} on PostgreSQL); reads wait until the database shows every acknowledged record;
 * verification is the {@link Verifier}'s, checkpoints the {@link Checkpoints}', retention the {@link Retention}'s.
 * The scheduled jobs are {@link AuditMaintenance}'s, which this starts and stops.
 */
@Component(configurationPid = AuditConfiguration.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AuditConfiguration.class)
public final class AuditLogImpl implements AuditLog {

    private static final int MAX_BATCH = 1000;
    private static final int QUEUE = 100_000;
    private static final long WAIT_SECONDS = 30;

    private final Store store;
    private final Logger log;
    private final String node;
    private final Clock clock;
    private final Checkpoints checkpoints;
    private final Verifier verifier;
    private final SingleFlight<Verification> verifications = new SingleFlight<>();
    private final Retention retention;
    private final TrailWriter writer;
    private final GroupCommit<AuditEvent, AuditRecord> commits;
    private final AuditMaintenance maintenance;
    private final WriteStats writes = new WriteStats();
    private final AuditSettings settings;

    @Activate
    public AuditLogImpl(AuditConfiguration configuration, Map<String, Object> properties, BundleContext context,
            @Reference Store store,
            @Reference NodeName node, @Reference(service = LoggerFactory.class) Logger log,
            @Reference(target = ContainerClock.TARGET) Clock clock) throws SQLException, IOException {
        this.store = store;
        this.clock = clock;
        this.log = log;
        this.node = node.get();
        // Settings first: a bad one stops the start before anything is touched.
        AuditSettings settings = AuditSettings.of(configuration, properties, context);
        this.settings = settings;
        this.checkpoints = new Checkpoints(settings.keyFile(), settings.checkpoints(), clock);
        try {
            checkpoints.ensureKeys(); // made with the first start, as promised (was: at the first checkpoint)
        } catch (java.security.GeneralSecurityException | IOException | RuntimeException e) {
            log.error("Audit signing key {} not made at start (checkpoints try again when they are signed): {}",
                    settings.keyFile(), e.toString());
        }
        this.verifier = new Verifier(checkpoints);
        this.retention = new Retention(settings.archive(), java.time.Duration.ofDays(settings.retentionDays()));
        ChainLinks links = new ChainLinks(this.node, clock);
        // One process owns an H2 database: a journal gives durability at the cost of a file write instead of a
        // database commit. PostgreSQL may be shared by several nodes, each committing its own batches.
        this.writer = store.dialect() == Store.Dialect.H2
                ? new JournalWriter(store, log, links, settings.journal(), settings.maxLag())
                : new PostgresWriter(store, links);
        this.commits = new GroupCommit<>(writer::write, QUEUE, MAX_BATCH, TimeUnit.SECONDS.toNanos(WAIT_SECONDS),
                (size, failure) -> log.error("Audit batch of {} records not written; the calls fail: {}", size,
                        failure.toString()));
        // Last: its jobs call back into this trail (the earliest after 5 s).
        this.maintenance = new AuditMaintenance(this, store, log, settings.checkpointMinutes());
    }

    /**
     * A new configuration: in force at the next start. Restarting the trail for it would restart every component that
     * audits through it, and so end every operator's SSH and browser session (tryout 16: a changed retention logged
     * everyone out, silently); the trail's files, signing key and intervals are read once, as the security manager's
     * settings are.
     */
    @Modified
    void modified(AuditConfiguration configuration, Map<String, Object> properties, BundleContext context) {
        try {
            AuditSettings wanted = AuditSettings.of(configuration, properties, context);
            if (!wanted.equals(settings)) {
                log.warn("{} changed; in force at the next start of the container (the audit trail is not restarted "
                        + "under running sessions), until then: {}", AuditConfiguration.PID, settings);
            }
        } catch (RuntimeException invalid) {
            log.warn("{} changed to settings that are not valid ({}); the audit trail runs on with {}",
                    AuditConfiguration.PID, invalid.getMessage(), settings);
        }
    }

    @Deactivate
    void deactivate() {
        maintenance.close();
        commits.close();
        writer.close();
    }

    @Override
    public AuditRecord append(AuditEvent event) {
        long started = System.nanoTime();
        try {
            AuditRecord record = commits.submit(event);
            writes.appended(System.nanoTime() - started);
            return record;
        } catch (RuntimeException failed) {
            writes.failed();
            throw failed;
        }
    }

    @Override
    public AuditStats stats() {
        return writes.stats(writer.lag());
    }

    @Override
    public Page<AuditRecord> query(AuditQuery query) {
        return query(query, null);
    }

    @Override
    public Page<AuditRecord> query(AuditQuery query, String tenant) {
        return query(query, tenant, "(tenant = ? OR tenant IS NULL)");
    }

    @Override
    public Page<AuditRecord> queryTenantOnly(AuditQuery query, String tenant) {
        return query(query, java.util.Objects.requireNonNull(tenant, "tenant"), "tenant = ?");
    }

    private Page<AuditRecord> query(AuditQuery query, String tenant, String tenantCondition) {
        writer.awaitReadable();
        // No WHERE at all when nothing is asked (audit:tail): H2 then counts the rows without reading them.
        StringBuilder where = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        condition(where, parameters, tenantCondition, tenant);
        if (query.plugin() != null) {
            // made by the plugin, or about it: its lifecycle records are the container's, naming it in the resource
            // ("Plugin", "<symbolic name> <version>"), and an operator's plugin: commands name it there too
            where.append(where.length() == 0 ? " WHERE " : " AND ").append("(plugin = ? OR (resource_type = 'Plugin' "
                    + "AND (resource_id = ? OR resource_id LIKE ? ESCAPE '!')))");
            parameters.add(query.plugin());
            parameters.add(query.plugin());
            parameters.add(query.plugin().replace("!", "!!").replace("%", "!%").replace("_", "!_") + " %");
        }
        condition(where, parameters, "user_id = ?", query.user());
        condition(where, parameters, "outcome = ?", query.outcome() == null ? null : query.outcome().name());
        condition(where, parameters, "recorded_at >= ?", Statements.utc(query.from()));
        condition(where, parameters, "recorded_at < ?", Statements.utc(query.to()));
        try (Connection connection = store.connection()) {
            if (query.patientId() != null) {
                where.append(where.length() == 0 ? " WHERE " : " AND ").append(PatientPostings.CONDITION);
                parameters.addAll(PatientPostings.parameters(connection, query.patientId()));
            }
            return Paging.page(connection, AuditRows.COLUMNS, "audit_record" + where, "seq DESC",
                    parameters, query.offset(), query.limit(), AuditRows::read);
        } catch (SQLException e) {
            throw new IllegalStateException("The audit trail could not be read (SQL state " + e.getSQLState() + ")", e);
        }
    }

    private static void condition(StringBuilder where, List<Object> parameters, String sql, Object value) {
        if (value != null) {
            where.append(where.length() == 0 ? " WHERE " : " AND ").append(sql);
            parameters.add(value);
        }
    }

    @Override
    public Verification verify() {
        // One whole-trail scan at a time (it holds a pooled connection throughout): who asks meanwhile gets its result.
        return verifications.get(() -> {
            writer.awaitReadable();
            try (Connection connection = store.connection()) {
                return verifier.verify(connection);
            } catch (SQLException | IOException | GeneralSecurityException e) {
                throw new IllegalStateException("The audit trail could not be verified: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public String checkpoint() {
        writer.awaitReadable();
        try (Connection connection = store.connection()) {
            AuditRows.Head current = AuditRows.head(connection);
            Checkpoints.Checkpoint signed = checkpoints.sign(current.sequence(), current.hash(), node);
            return signed.signedText() + "|" + signed.signature();
        } catch (SQLException | IOException | GeneralSecurityException e) {
            throw new IllegalStateException("No checkpoint written: " + e.getMessage(), e);
        }
    }

    @Override
    public String archive() {
        writer.awaitReadable();
        try (Connection connection = store.connection()) {
            String done = retention.archive(connection, clock.instant());
            log.info("{}", done);
            return done;
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Nothing archived or removed: " + e.getMessage(), e);
        }
    }
}
