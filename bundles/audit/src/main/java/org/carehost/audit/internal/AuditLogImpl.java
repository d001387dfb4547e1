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
 * The audit trail with group commit: callers put their event on a queue; one of them (the leader, whoever
 * holds the write lock) takes everything queued, chains it, makes the batch durable with one write and
 * releases the others, who meanwhile wait for it or lead the next batch. Under load many callers share one
 * write; alone, a caller writes just its own, with no hand-over to another thread. If the write fails, every caller
 * of that batch gets {@link AuditUnavailableException} (fail closed) and nothing of the batch stays.
 * On H2 the durable write is an append to the {@link Journal}, copied into the database by the
 * {@link Indexer}; on PostgreSQL (possibly shared by several nodes) it is a commit under an advisory lock.
 */
@Component
public final class AuditLogImpl implements AuditLog {

    private static final int MAX_BATCH = 1000;
    private static final int QUEUE = 100_000;
    private static final long WAIT_SECONDS = 30;
    /** A follower is woken when its record is written or it is to lead; this only bounds a missed wake-up. */
    private static final long FOLLOWER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long POSTGRES_LOCK_KEY = 0x6175646974L; // "audit"
    private static final int RECOVERY_ATTEMPTS = 3;
    /**
     * H2: how far (in records) the database copy may fall behind the journal before writers wait for it. About
     * 1.5 KB of heap each; at the copy's pace on a small machine (about 20,000 records a second) a second's work.
     */
    private static final String MAX_LAG_PROPERTY = "carehost.audit.index.maxLag";
    private static final long DEFAULT_MAX_LAG = 20_000;
    /** How long a writer waits for the database copy to make room before its batch fails closed. */
    private static final long ROOM_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(10);

    private final Store store;
    private final Logger log;
    private final String node;
    private final Clock clock = Clock.systemUTC();
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
    /** Held by the caller that writes the current batch (the leader); the others wait for it or lead the next. */
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean running = true;
    /** Hashes the chain; only the leader, holding {@link #writing}, uses it. */
    private final java.security.MessageDigest sha256 = Chain.sha256();
    /** H2: the chain head as last journaled (only the leader appends). Unused on PostgreSQL. */
    private volatile AuditRows.Head head;
    private final Checkpoints checkpoints;
    private final java.util.concurrent.ScheduledExecutorService checkpointer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "carehost-audit-checkpoints");
                thread.setDaemon(true);
                return thread;
            });
    private volatile long lastCheckpoint;
    private final Retention retention;
    /** H2 only: the write-ahead journal callers wait for, and the copier into the database. */
    private final Journal journal;
    private final Indexer indexer;

    /** A caller's event, its outcome, and the caller, to be woken when the outcome is known or it is to lead. */
    private record Pending(AuditEvent event, CompletableFuture<AuditRecord> done, Thread caller) {

        void complete(AuditRecord record) {
            done.complete(record);
            java.util.concurrent.locks.LockSupport.unpark(caller);
        }

        void fail(Throwable failure) {
            done.completeExceptionally(failure);
            java.util.concurrent.locks.LockSupport.unpark(caller);
        }
    }

    @Activate
    public AuditLogImpl(BundleContext context, @Reference Store store, @Reference(service = LoggerFactory.class) Logger log)
            throws SQLException, java.io.IOException {
        this.store = store;
        this.log = log;
        this.node = nodeName(context);
        // Settings first: a bad one stops the start before anything is touched.
        long maxLag = longProperty(context, MAX_LAG_PROPERTY, DEFAULT_MAX_LAG, 1);
        long retentionDays = longProperty(context, "carehost.audit.retention.days", 2190, 0);
        long checkpointMinutes = longProperty(context, "carehost.audit.checkpoint.minutes", 10, 1);
        this.checkpoints = new Checkpoints(
                java.nio.file.Paths.get(property(context, "carehost.audit.keyfile", "etc/security/audit-signing.key")),
                java.nio.file.Paths.get(property(context, "carehost.audit.checkpoints", "data/audit/checkpoints")));
        if (store.dialect() == Store.Dialect.H2) {
            // One process owns an H2 database: a journal gives durability at the cost of a file write instead of
            // a database commit. PostgreSQL may be shared by several nodes, each committing under a lock.
            journal = new Journal(java.nio.file.Paths.get(property(context, "carehost.audit.journal", "data/audit/journal")));
            head = recoverRetrying(journal.replay());
            journal.clear();
            indexer = new Indexer(store, journal, log, head.sequence(), maxLag);
        } else {
            journal = null;
            indexer = null;
        }
        this.retention = new Retention(
                java.nio.file.Paths.get(property(context, "carehost.audit.archive", "data/audit/archive")),
                java.time.Duration.ofDays(retentionDays));
        checkpointer.scheduleWithFixedDelay(this::archiveQuietly, 1, 24 * 60, TimeUnit.MINUTES);
        checkpointer.scheduleWithFixedDelay(this::checkpointIfAdvanced, checkpointMinutes, checkpointMinutes, TimeUnit.MINUTES);
        if (indexer == null) {
            // On H2 the copier adds the patient postings as it goes; on PostgreSQL this does, every few seconds.
            checkpointer.scheduleWithFixedDelay(this::extendPostings, 5, 5, TimeUnit.SECONDS);
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

    @Override
    public String archive() {
        caughtUp();
        try (Connection connection = store.connection()) {
            String done = retention.archive(connection, clock.instant());
            log.info("{}", done);
            return done;
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("Nothing archived or removed: " + e.getMessage(), e);
        }
    }

    private void archiveQuietly() {
        try {
            archive();
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
        writing.lock();
        try {
            Pending left;
            while ((left = queue.poll()) != null) {
                left.fail(new AuditUnavailableException("The audit trail is stopping", null));
            }
        } finally {
            writing.unlock();
        }
        if (indexer != null) {
            indexer.close();
            try {
                if (indexer.isEmpty()) {
                    // A clean stop: the database has everything, and the journal must not be replayed elsewhere.
                    journal.clear();
                } else {
                    journal.close();
                }
            } catch (java.io.IOException e) {
                log.warn("Audit journal not closed cleanly: {}", e.toString());
            }
        }
    }

    /**
     * In 120 kills of the crash test the replay failed 5 times, right after the start-up compaction: 4 times
     * inside H2 ("Map ... is closed", after which H2 closes the database, and reopening alone failed the same
     * way again), once on a duplicate key (a row that compaction had not yet made visible). Each time a second
     * compaction let the replay through. So a failed replay asks the store to repair the database and tries
     * again; the records wait in the journal meanwhile.
     */
    private AuditRows.Head recoverRetrying(List<AuditRecord> journaled) throws SQLException {
        for (int attempt = 1;; attempt++) {
            try {
                return recover(journaled);
            } catch (SQLException e) {
                if (attempt == RECOVERY_ATTEMPTS) {
                    throw e;
                }
                log.warn("Audit journal replay failed (attempt {} of {}); repairing the store and retrying: {}",
                        attempt, RECOVERY_ATTEMPTS, e.toString());
                try {
                    store.repair();
                } catch (SQLException repairFailed) {
                    log.warn("Store repair failed: {}", repairFailed.toString());
                }
            }
        }
    }

    /**
     * Start-up after a crash: copies journaled records the database does not have yet, checking that each
     * continues the chain, and returns the head.
     */
    private AuditRows.Head recover(List<AuditRecord> journaled) throws SQLException {
        try (Connection connection = store.connection()) {
            AuditRows.Head current = AuditRows.head(connection);
            List<AuditRecord> missing = new ArrayList<>();
            String previous = current.hash();
            for (AuditRecord record : journaled) {
                if (record.sequence() <= current.sequence()) {
                    continue;
                }
                if (record.sequence() != current.sequence() + missing.size() + 1 || !record.previousHash().equals(previous)) {
                    log.error("Audit journal record {} does not continue the chain; it and later ones are not restored",
                            record.sequence());
                    break;
                }
                missing.add(record);
                previous = record.hash();
            }
            if (!missing.isEmpty()) {
                connection.setAutoCommit(false);
                AuditRows.insert(connection, missing);
                connection.commit();
                log.info("Restored {} audit records from the journal after an unclean stop", missing.size());
                AuditRecord last = missing.get(missing.size() - 1);
                return new AuditRows.Head(last.sequence(), last.hash());
            }
            return current;
        }
    }

    @Override
    public AuditRecord append(AuditEvent event) {
        Pending pending = new Pending(event, new CompletableFuture<>(), Thread.currentThread());
        if (!running || !queue.offer(pending)) {
            throw new AuditUnavailableException("The audit trail is not accepting records (stopped or overloaded)", null);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        try {
            while (!pending.done.isDone()) {
                if (writing.tryLock()) {
                    // Leader: write everything queued (this record among it) in one batch.
                    try {
                        writeQueued();
                    } finally {
                        writing.unlock();
                    }
                    // Whoever queued while this batch was written leads the next one (the oldest is woken for it).
                    Pending next = queue.peek();
                    if (next != null) {
                        java.util.concurrent.locks.LockSupport.unpark(next.caller);
                    }
                } else {
                    // Follower: woken when the leader has written this record, or when it is to lead the next batch.
                    java.util.concurrent.locks.LockSupport.parkNanos(this, FOLLOWER_PARK_NANOS);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                if (System.nanoTime() > deadline && !pending.done.isDone()) {
                    throw new AuditUnavailableException("The audit record was not written within " + WAIT_SECONDS + " s", null);
                }
            }
            return pending.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("Interrupted while waiting for the audit record to be written", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof AuditUnavailableException unavailable ? unavailable
                    : new AuditUnavailableException("The audit record could not be written: " + cause.getMessage(), cause);
        }
    }

    /** Writes what is queued as one batch; called with {@link #writing} held. */
    private void writeQueued() {
        List<Pending> batch = new ArrayList<>(Math.min(queue.size() + 1, MAX_BATCH));
        queue.drainTo(batch, MAX_BATCH);
        if (batch.isEmpty()) {
            return;
        }
        try {
            List<AuditRecord> written = write(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).complete(written.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            log.error("Audit batch of {} records not written; the calls fail: {}", batch.size(), e.toString());
            AuditUnavailableException failure = new AuditUnavailableException(
                    "The audit trail could not be written (" + e.getMessage() + "); the call was refused", e);
            batch.forEach(pending -> pending.fail(failure));
        }
    }

    /** H2: chain the batch after the cached head and journal it; PostgreSQL: one locked transaction. */
    private List<AuditRecord> write(List<Pending> batch) throws SQLException {
        if (journal != null) {
            // Room first: a batch refused for want of it was never journaled, so nothing of it is acknowledged.
            indexer.awaitRoom(head.sequence() + batch.size(), ROOM_WAIT_MILLIS);
            List<String> canonical = new ArrayList<>(batch.size());
            List<AuditRecord> records = chain(batch, head, canonical);
            try {
                journal.append(records, canonical);
            } catch (java.io.IOException e) {
                throw new SQLException("the audit journal could not be written: " + e.getMessage(), "58030", e);
            }
            AuditRecord last = records.get(records.size() - 1);
            head = new AuditRows.Head(last.sequence(), last.hash());
            indexer.enqueue(records);
            return records;
        }
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            if (store.dialect() == Store.Dialect.POSTGRESQL) {
                // Nodes sharing one PostgreSQL append one batch at a time, so the chain stays a single line.
                try (Statement lock = connection.createStatement()) {
                    lock.execute("SELECT pg_advisory_xact_lock(" + POSTGRES_LOCK_KEY + ")");
                }
            }
            // The database may be shared by several nodes: the head is read under the lock every time.
            List<AuditRecord> records = chain(batch, AuditRows.head(connection), null);
            AuditRows.insert(connection, records);
            connection.commit();
            return records;
        }
    }

    /** The batch's records, chained after {@code after}; their canonical forms go to {@code canonical} if given. */
    private List<AuditRecord> chain(List<Pending> batch, AuditRows.Head after, List<String> canonical) {
        List<AuditRecord> records = new ArrayList<>(batch.size());
        long sequence = after.sequence();
        String previous = after.hash();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (Pending pending : batch) {
            AuditEvent event = Fit.columns(pending.event);
            AuditRecord unhashed = new AuditRecord(++sequence, now, node, event.plugin(), event.pluginVersion(),
                    event.user(), event.purposeOfUse(), event.tenant(), event.roles(), event.correlationId(),
                    event.breakGlass(), event.action(), event.operation(), event.resourceType(),
                    event.resourceId(), event.patientId(), event.query(), event.outcome(), event.reason(), previous, null);
            String form = Chain.canonical(unhashed);
            String hash = Chain.hashCanonical(sha256, previous, form);
            records.add(new AuditRecord(unhashed.sequence(), now, node, event.plugin(), event.pluginVersion(),
                    event.user(), event.purposeOfUse(), event.tenant(), event.roles(), event.correlationId(),
                    event.breakGlass(), event.action(), event.operation(), event.resourceType(),
                    event.resourceId(), event.patientId(), event.query(), event.outcome(), event.reason(), previous, hash));
            if (canonical != null) {
                canonical.add(form);
            }
            previous = hash;
        }
        return records;
    }

    /** Readers see every acknowledged record: with a journal, they wait for the database copy to catch up. */
    private void caughtUp() {
        AuditRows.Head current = head;
        if (indexer != null && current != null) {
            indexer.awaitIndexed(current.sequence(), TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
    }

    @Override
    public Page<AuditRecord> query(AuditQuery query) {
        return query(query, null);
    }

    @Override
    public Page<AuditRecord> query(AuditQuery query, String tenant) {
        caughtUp();
        // No WHERE at all when nothing is asked (audit:tail): H2 then counts the rows without reading them.
        StringBuilder where = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        condition(where, parameters, "(tenant = ? OR tenant IS NULL)", tenant);
        condition(where, parameters, "plugin = ?", query.plugin());
        condition(where, parameters, "user_id = ?", query.user());
        condition(where, parameters, "outcome = ?", query.outcome() == null ? null : query.outcome().name());
        condition(where, parameters, "recorded_at >= ?", query.from() == null ? null : query.from().atOffset(ZoneOffset.UTC));
        condition(where, parameters, "recorded_at < ?", query.to() == null ? null : query.to().atOffset(ZoneOffset.UTC));
        try (Connection connection = store.connection()) {
            if (query.patientId() != null) {
                where.append(where.length() == 0 ? " WHERE " : " AND ").append(PatientPostings.CONDITION);
                parameters.addAll(PatientPostings.parameters(connection, query.patientId()));
            }
            return org.carehost.store.Paging.page(connection, AuditRows.COLUMNS, "audit_record" + where, "seq DESC",
                    parameters, query.offset(), query.limit(), AuditRows::read);
        } catch (SQLException e) {
            throw new IllegalStateException("The audit trail could not be read (SQL state " + e.getSQLState() + ")", e);
        }
    }

    @Override
    public Verification verify() {
        caughtUp();
        try (Connection connection = store.connection()) {
            Verification chain = Verifier.verify(connection);
            if (!chain.intact()) {
                return chain;
            }
            Verification signed = againstCheckpoints(connection, chain);
            if (!signed.intact()) {
                return signed;
            }
            long unindexed = PatientPostings.firstMissing(connection);
            return unindexed == 0 ? signed : new Verification(false, chain.checked(), unindexed, "record " + unindexed
                    + " is missing from the patient index (audit_patient_run), so a search by its patient would not"
                    + " show it: the index was altered");
        } catch (SQLException | java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("The audit trail could not be verified: " + e.getMessage(), e);
        }
    }

    @Override
    public String checkpoint() {
        caughtUp();
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
        long archivedUpTo = Retention.boundary(connection).sequence();
        for (Checkpoints.Checkpoint checkpoint : checkpoints.all(problems)) {
            if (!checkpoints.signatureValid(checkpoint)) {
                problems.add("the checkpoint at record " + checkpoint.sequence() + " has an invalid signature (forged or altered)");
            } else if (checkpoint.sequence() > chain.checked()) {
                return new Verification(false, chain.checked(), chain.checked() + 1, "records " + (chain.checked() + 1)
                        + " to " + checkpoint.sequence() + " are missing: a signed checkpoint of " + checkpoint.signedAt()
                        + " saw " + checkpoint.sequence() + " records (the end of the trail was cut off)");
            } else if (checkpoint.sequence() > archivedUpTo
                    && !checkpoint.hash().equals(hashAt(connection, checkpoint.sequence()))) {
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

    private static long longProperty(BundleContext context, String key, long fallback, long minimum) {
        String value = property(context, key, Long.toString(fallback));
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= minimum) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("The framework property " + key + " must be a whole number of at least "
                + minimum + ", not '" + value + "'");
    }

    private static void condition(StringBuilder where, List<Object> parameters, String sql, Object value) {
        if (value != null) {
            where.append(where.length() == 0 ? " WHERE " : " AND ").append(sql);
            parameters.add(value);
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
