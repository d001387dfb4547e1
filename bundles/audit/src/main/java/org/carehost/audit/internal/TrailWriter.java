package org.carehost.audit.internal;

import java.sql.SQLException;
import java.util.List;

import org.carehost.audit.AuditEvent;
import org.carehost.sdk.audit.AuditRecord;

/**
 * Makes a batch of records durable, the way one kind of store does it: {@link JournalWriter} on H2,
 * {@link PostgresWriter} on PostgreSQL. Called by one thread at a time (the group commit's leader).
 */
interface TrailWriter extends AutoCloseable {

    /** Chains the batch after the trail's head and makes it durable; all of it or, if this throws, none of it. */
    List<AuditRecord> write(List<AuditEvent> batch) throws SQLException;

    /** Returns once the database shows every record acknowledged so far (readers call it before they read). */
    void awaitReadable();

    /** Records acknowledged that the database does not show yet (0 where the database is written directly). */
    default long lag() {
        return 0;
    }

    /** After the last write. */
    @Override
    void close();
}
