package org.carehost.audit.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.carehost.audit.AuditEvent;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.store.Store;

/**
 * PostgreSQL, possibly shared by several nodes: a batch is durable once it is committed, and it is written with one
 * round trip: a single multi-row {@code INSERT} in auto-commit (atomic, and committed, WAL flushed, when it returns).
 *
 * <p>The chain stays a single line without a lock: the batch is chained after the head this node last wrote or read,
 * and the primary key on the sequence number admits each number once. If another node appended meanwhile, the
 * first number of this batch is taken: the insert fails with a unique violation (after waiting for the other node's
 * transaction, if that is still open), nothing of the batch is kept, and it is chained again after the head read
 * back. A record can only ever follow the record that holds the sequence number before it, as records are never
 * changed. After any other failure the head is read again before the next batch, because the outcome of a commit
 * whose answer was lost is unknown (such a batch's callers were refused; its records may still be in the trail).
 *
 * <p>Measured before this design ({@code AuditBatchProbe}, benchmarks/README.md): the previous transaction (advisory
 * lock, head read, batched insert, commit) took four round trips per batch, and each caller's record waited for them
 * on top of the WAL flush.
 */
final class PostgresWriter implements TrailWriter {

    /** Appends lost to other nodes in a row before the batch fails; each loss means another node made progress. */
    static final int ATTEMPTS = 20;
    private static final String UNIQUE_VIOLATION = "23505";

    private final Store store;
    private final ChainLinks links;
    /** The head as this node last wrote or read it; null when unknown (first batch, or after a failure). */
    private AuditRows.Head head;

    PostgresWriter(Store store, ChainLinks links) {
        this.store = store;
        this.links = links;
    }

    @Override
    public List<AuditRecord> write(List<AuditEvent> batch) throws SQLException {
        for (int attempt = 1;; attempt++) {
            try (Connection connection = store.connection()) {
                if (head == null) {
                    head = AuditRows.head(connection);
                }
                List<AuditRecord> records = links.after(head, batch, null);
                AuditRows.insertAtOnce(connection, records);
                head = ChainLinks.headAfter(records);
                return records;
            } catch (SQLException e) {
                head = null;
                if (!UNIQUE_VIOLATION.equals(e.getSQLState()) || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void awaitReadable() {
        // A commit is visible to every reader once it returns.
    }

    @Override
    public void close() {
        // Nothing held between batches.
    }
}
