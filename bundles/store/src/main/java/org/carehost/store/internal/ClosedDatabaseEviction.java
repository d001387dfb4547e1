package org.carehost.store.internal;

import java.sql.SQLException;

import com.zaxxer.hikari.SQLExceptionOverride;

/**
 * Tells the pool that a connection to an H2 database that has been closed is dead. H2 closes an embedded database for
 * good when a write fails (a full disk: tryout 14) or when it is shut down; every pooled connection then answers
 * "The database has been closed" (90098) or "Database called at shutdown" (90121), SQL states HikariCP does not count
 * as fatal. Kept, those connections failed every call until a restart, even once the disk had room again (a busy pool
 * lends a connection again before its idle check would have noticed). Evicted, the next borrower gets a new connection,
 * which opens the database again and recovers it.
 */
final class ClosedDatabaseEviction implements SQLExceptionOverride {

    /** H2's DATABASE_IS_CLOSED and DATABASE_CALLED_AT_SHUTDOWN. */
    private static final int CLOSED = 90098;
    private static final int AT_SHUTDOWN = 90121;

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && (sql.getErrorCode() == CLOSED || sql.getErrorCode() == AT_SHUTDOWN)) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
