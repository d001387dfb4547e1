package org.carehost.audit.internal;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.AuditUnavailableException;
import org.carehost.sdk.audit.Verification;
import org.carehost.sdk.resource.Page;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The audit trail with group commit: callers put their event on a queue and wait; one writer thread takes
 * everything queued, chains it, writes it in one transaction and commits once, then releases the callers.
 * Under load many callers share one commit; alone, a caller waits for just its own. If the commit fails,
 * every caller of that batch gets {@link AuditUnavailableException} (fail closed) and the chain head is
 * re-read from the database before the next batch.
 */
@Component
public final class AuditLogImpl implements AuditLog {

    private static final int MAX_BATCH = 1000;
    private static final int QUEUE = 100_000;
    private static final long WAIT_SECONDS = 30;
    private static final long POSTGRES_LOCK_KEY = 0x6175646974L; // "audit"

    private final Store store;
    private final Logger log;
    private final String node;
    private final Clock clock = Clock.systemUTC();
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread writer;
    private volatile boolean running = true;
    /** The chain head as last committed by this writer; null when it must be read (start, failure, PostgreSQL). */
    private AuditRows.Head head;
    private final Checkpoints checkpoints;
    private final java.util.concurrent.ScheduledExecutorService checkpointer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "carehost-audit-checkpoints");
                thread.setDaemon(true);
                return thread;
            });
    private volatile long lastCheckpoint;

    private record Pending(AuditEvent event, CompletableFuture<AuditRecord> done) {
    }

    @Activate
    public AuditLogImpl(BundleContext context, @Reference Store store, @Reference(service = LoggerFactory.class) Logger log) {
        this.store = store;
        this.log = log;
        this.node = nodeName(context);
        this.checkpoints = new Checkpoints(
                java.nio.file.Paths.get(property(context, "carehost.audit.keyfile", "etc/security/audit-signing.key")),
                java.nio.file.Paths.get(property(context, "carehost.audit.checkpoints", "data/audit/checkpoints")));
        this.writer = new Thread(this::writeLoop, "carehost-audit-writer");
        writer.setDaemon(true);
        writer.start();
        long minutes = Long.parseLong(property(context, "carehost.audit.checkpoint.minutes", "10"));
        checkpointer.scheduleWithFixedDelay(this::checkpointIfAdvanced, minutes, minutes, TimeUnit.MINUTES);
    }

    /** A periodic checkpoint, when records were added since the last one. */
    private void checkpointIfAdvanced() {
        try {
            long sequence;
            try (Connection connection = store.connection()) {
                sequence = AuditRows.head(connection).sequence();
            }
            if (sequence > lastCheckpoint) {
                checkpoint();
                lastCheckpoint = sequence;
            }
        } catch (SQLException | RuntimeException e) {
            log.error("Periodic audit checkpoint failed: {}", e.toString());
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        checkpointer.shutdownNow();
        running = false;
        writer.interrupt();
        writer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done.completeExceptionally(new AuditUnavailableException("The audit trail is stopping", null));
        }
    }

    @Override
    public AuditRecord append(AuditEvent event) {
        Pending pending = new Pending(event, new CompletableFuture<>());
        try {
            if (!running || !queue.offer(pending, WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AuditUnavailableException("The audit trail is not accepting records (stopped or overloaded)", null);
            }
            return pending.done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("Interrupted while waiting for the audit record to be written", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof AuditUnavailableException unavailable ? unavailable
                    : new AuditUnavailableException("The audit record could not be written: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new AuditUnavailableException("The audit record was not written within " + WAIT_SECONDS + " s", e);
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                List<AuditRecord> written = write(batch);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done.complete(written.get(i));
                }
            } catch (SQLException | RuntimeException e) {
                head = null;
                log.error("Audit batch of {} records not written; the calls fail: {}", batch.size(), e.toString());
                AuditUnavailableException failure = new AuditUnavailableException(
                        "The audit trail could not be written (" + e.getMessage() + "); the call was refused", e);
                batch.forEach(pending -> pending.done.completeExceptionally(failure));
            }
            batch.clear();
        }
    }

    /** One transaction: lock the chain, read its head, append the batch, commit. */
    private List<AuditRecord> write(List<Pending> batch) throws SQLException {
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            if (store.dialect() == Store.Dialect.POSTGRESQL) {
                // Nodes sharing one PostgreSQL append one batch at a time, so the chain stays a single line.
                try (Statement lock = connection.createStatement()) {
                    lock.execute("SELECT pg_advisory_xact_lock(" + POSTGRES_LOCK_KEY + ")");
                }
            }
            // On H2 this writer is the only one, so the head it committed last is the head; PostgreSQL may be
            // shared by several nodes, so there it is read under the lock every time.
            AuditRows.Head head = this.head != null && store.dialect() == Store.Dialect.H2 ? this.head : AuditRows.head(connection);
            List<AuditRecord> records = new ArrayList<>(batch.size());
            long sequence = head.sequence();
            String previous = head.hash();
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            for (Pending pending : batch) {
                AuditEvent event = Fit.columns(pending.event);
                AuditRecord unhashed = new AuditRecord(++sequence, now, node, event.plugin(), event.pluginVersion(),
                        event.user(), event.purposeOfUse(), event.action(), event.operation(), event.resourceType(),
                        event.resourceId(), event.patientId(), event.query(), event.outcome(), event.reason(), previous, null);
                String hash = Chain.hash(previous, unhashed);
                records.add(new AuditRecord(unhashed.sequence(), now, node, event.plugin(), event.pluginVersion(),
                        event.user(), event.purposeOfUse(), event.action(), event.operation(), event.resourceType(),
                        event.resourceId(), event.patientId(), event.query(), event.outcome(), event.reason(), previous, hash));
                previous = hash;
            }
            AuditRows.insert(connection, records);
            connection.commit();
            this.head = new AuditRows.Head(sequence, previous);
            return records;
        }
    }

    @Override
    public Page<AuditRecord> query(AuditQuery query) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        condition(where, parameters, "patient_id = ?", query.patientId());
        condition(where, parameters, "plugin = ?", query.plugin());
        condition(where, parameters, "user_id = ?", query.user());
        condition(where, parameters, "outcome = ?", query.outcome() == null ? null : query.outcome().name());
        condition(where, parameters, "recorded_at >= ?", query.from() == null ? null : query.from().atOffset(ZoneOffset.UTC));
        condition(where, parameters, "recorded_at < ?", query.to() == null ? null : query.to().atOffset(ZoneOffset.UTC));
        try (Connection connection = store.connection()) {
            long total;
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM audit_record" + where)) {
                bind(count, parameters);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    total = row.getLong(1);
                }
            }
            List<AuditRecord> items = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + AuditRows.COLUMNS
                    + " FROM audit_record" + where + " ORDER BY seq DESC LIMIT ? OFFSET ?")) {
                bind(select, parameters);
                select.setInt(parameters.size() + 1, query.limit());
                select.setInt(parameters.size() + 2, query.offset());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        items.add(AuditRows.read(rows));
                    }
                }
            }
            return new Page<>(items, total, query.offset(), query.limit());
        } catch (SQLException e) {
            throw new IllegalStateException("The audit trail could not be read (SQL state " + e.getSQLState() + ")", e);
        }
    }

    @Override
    public Verification verify() {
        try (Connection connection = store.connection()) {
            Verification chain = Verifier.verify(connection);
            if (!chain.intact()) {
                return chain;
            }
            return againstCheckpoints(connection, chain);
        } catch (SQLException | java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("The audit trail could not be verified: " + e.getMessage(), e);
        }
    }

    @Override
    public String checkpoint() {
        try (Connection connection = store.connection()) {
            AuditRows.Head current = AuditRows.head(connection);
            Checkpoints.Checkpoint signed = checkpoints.sign(current.sequence(), current.hash(), node);
            return signed.signedText() + "|" + signed.signature();
        } catch (SQLException | java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("No checkpoint written: " + e.getMessage(), e);
        }
    }

    /**
     * An intact chain can still be a rewritten or shortened one; each signed checkpoint pins the hash record N
     * had when it was signed.
     */
    private Verification againstCheckpoints(Connection connection, Verification chain)
            throws SQLException, java.io.IOException, java.security.GeneralSecurityException {
        List<String> problems = new ArrayList<>();
        for (Checkpoints.Checkpoint checkpoint : checkpoints.all(problems)) {
            if (!checkpoints.signatureValid(checkpoint)) {
                problems.add("the checkpoint at record " + checkpoint.sequence() + " has an invalid signature (forged or altered)");
            } else if (checkpoint.sequence() > chain.checked()) {
                return new Verification(false, chain.checked(), chain.checked() + 1, "records " + (chain.checked() + 1)
                        + " to " + checkpoint.sequence() + " are missing: a signed checkpoint of " + checkpoint.signedAt()
                        + " saw " + checkpoint.sequence() + " records (the end of the trail was cut off)");
            } else if (checkpoint.sequence() > 0 && !checkpoint.hash().equals(hashAt(connection, checkpoint.sequence()))) {
                return new Verification(false, chain.checked(), checkpoint.sequence(), "record " + checkpoint.sequence()
                        + " differs from the signed checkpoint of " + checkpoint.signedAt()
                        + " (the chain was rewritten up to here)");
            }
        }
        if (!problems.isEmpty()) {
            return new Verification(false, chain.checked(), 0, String.join("; ", problems));
        }
        return chain;
    }

    private static String hashAt(Connection connection, long sequence) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT hash FROM audit_record WHERE seq = ?")) {
            select.setLong(1, sequence);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private static String property(BundleContext context, String key, String fallback) {
        String value = context.getProperty(key);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void condition(StringBuilder where, List<Object> parameters, String sql, Object value) {
        if (value != null) {
            where.append(" AND ").append(sql);
            parameters.add(value);
        }
    }

    private static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }

    private static String nodeName(BundleContext context) {
        String configured = context.getProperty("carehost.node");
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception unknown) {
            return "unknown";
        }
    }
}
