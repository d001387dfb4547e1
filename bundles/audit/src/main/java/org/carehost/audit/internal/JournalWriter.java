package org.carehost.audit.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.carehost.audit.AuditEvent;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.store.Store;
import org.carehost.store.h2.Compaction;
import org.osgi.service.log.Logger;

/**
 * H2: a batch is durable once the {@link Journal} has it (one file append); the {@link Indexer} copies it into the
 * database behind the callers' backs. One process owns an H2 database, so the chain head is kept here and never
 * read back. At the start, records a crash left only in the journal are copied into the database first.
 */
final class JournalWriter implements TrailWriter {

    private static final int RECOVERY_ATTEMPTS = 3;
    /** How long a writer waits for the database copy to make room before its batch fails closed. */
    private static final long ROOM_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(10);
    private static final long READ_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private final Store store;
    private final Logger log;
    private final ChainLinks links;
    private final Journal journal;
    private final Indexer indexer;
    /** The chain head as last journaled (only the leader appends; readers read it). */
    private volatile AuditRows.Head head;

    /**
     * @param maxLag how far (in records) the database copy may fall behind the journal before writers wait for it
     */
    JournalWriter(Store store, Logger log, ChainLinks links, Path directory, long maxLag) throws SQLException, IOException {
        this.store = store;
        this.log = log;
        this.links = links;
        this.journal = new Journal(directory);
        this.head = recoverRetrying(journal.replay());
        journal.clear();
        this.indexer = new Indexer(store, journal, log, head.sequence(), maxLag);
    }

    @Override
    public List<AuditRecord> write(List<AuditEvent> batch) throws SQLException {
        // Room first: a batch refused for want of it was never journaled, so nothing of it is acknowledged.
        indexer.awaitRoom(head.sequence() + batch.size(), ROOM_WAIT_MILLIS);
        List<String> canonical = new ArrayList<>(batch.size());
        List<AuditRecord> records = links.after(head, batch, canonical);
        try {
            journal.append(records, canonical);
        } catch (IOException e) {
            throw new SQLException("the audit journal could not be written: " + e.getMessage(), "58030", e);
        }
        head = ChainLinks.headAfter(records);
        indexer.enqueue(records);
        return records;
    }

    @Override
    public void awaitReadable() {
        indexer.awaitIndexed(head.sequence(), READ_WAIT_MILLIS);
    }

    @Override
    public long lag() {
        return indexer.lag(head.sequence());
    }

    @Override
    public void close() {
        try {
            indexer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (indexer.isEmpty()) {
                // A clean stop: the database has everything, and the journal must not be replayed elsewhere.
                journal.clear();
            } else {
                journal.close();
            }
        } catch (IOException e) {
            log.warn("Audit journal not closed cleanly: {}", e.toString());
        }
    }

    /**
     * In 120 kills of the crash test the replay failed 5 times, right after the start-up compaction: 4 times
     * inside H2 ("Map ... is closed", after which H2 closes the database, and reopening alone failed the same
     * way again), once on a duplicate key (a row that compaction had not yet made visible). Each time a second
     * compaction let the replay through. So a failed replay asks the store to repair the database and tries
     * again; the records wait in the journal meanwhile. (A store other than an H2 file has nothing to compact.)
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
                    Optional<Compaction> compaction = store.adaptTo(Compaction.class);
                    if (compaction.isPresent()) {
                        compaction.get().compact();
                    }
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
            if (missing.isEmpty()) {
                return current;
            }
            connection.setAutoCommit(false);
            AuditRows.insert(connection, missing);
            connection.commit();
            log.info("Restored {} audit records from the journal after an unclean stop", missing.size());
            return ChainLinks.headAfter(missing);
        }
    }
}
