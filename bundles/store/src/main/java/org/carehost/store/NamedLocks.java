package org.carehost.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock per name held for a transaction, so that a check and the write it guards (a plugin's quota read, then its
 * document inserted) are one step: in this process (a {@link ReentrantLock} per name, taken <em>before</em> a
 * connection is borrowed, so that threads waiting for a name hold no pooled connection and a burst of calls cannot
 * drain the pool; and so that threads here wait in Java, never on the database's lock timeout) and across processes
 * sharing the database (the name's row of {@code store_locks}, locked with {@code SELECT ... FOR UPDATE} until the
 * transaction ends, on H2 and PostgreSQL alike, at the READ COMMITTED isolation both use by default). The row is made
 * the first time this process holds the name, on a connection of its own, while the caller holds none yet.
 * <pre>
 * try (NamedLocks.Held held = locks.hold(name); Connection connection = store.connection()) {
 *     connection.setAutoCommit(false);
 *     held.lockRow(connection);
 *     ... check, write ...
 *     connection.commit();
 * }
 * </pre>
 *
 * @since 2.6
 */
public final class NamedLocks {

    /** How long a caller waits for a name another thread here holds: as long as for a pooled connection. */
    static final long WAIT_SECONDS = 30;

    private final Store store;
    private final ConcurrentHashMap<String, ReentrantLock> local = new ConcurrentHashMap<>();
    /** The names whose row this process has made or seen. */
    private final java.util.Set<String> rows = ConcurrentHashMap.newKeySet();

    public NamedLocks(Store store) {
        this.store = store;
    }

    /**
     * The lock named {@code name} in this process, held until {@link Held#close()}; call it before borrowing the
     * transaction's connection, then {@link Held#lockRow}. Waits at most {@value #WAIT_SECONDS} seconds, and not past
     * an interrupt.
     *
     * @throws SQLException the wait ran out or was interrupted (the interrupt is kept), or the row could not be made
     */
    public Held hold(String name) throws SQLException {
        ReentrantLock here = local.computeIfAbsent(name, key -> new ReentrantLock());
        try {
            if (!here.tryLock(WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new java.sql.SQLTimeoutException("'" + name.replace('\n', ' ') + "' was held by other calls for "
                        + WAIT_SECONDS + " s: the store is busy; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.sql.SQLTimeoutException("interrupted while waiting for '" + name.replace('\n', ' ') + "'", e);
        }
        try {
            if (!rows.contains(name)) {
                ensureRow(name);
                rows.add(name);
            }
            return new Held(name, here);
        } catch (SQLException | RuntimeException | Error e) {
            here.unlock();
            throw e;
        }
    }

    /** Locks the name's row for the transaction; false when there is none. */
    private static boolean lockRow(Connection transaction, String name) throws SQLException {
        try (PreparedStatement select = transaction.prepareStatement(
                "SELECT name FROM store_locks WHERE name = ? FOR UPDATE")) {
            select.setString(1, name);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    /** The name's row, made once in a transaction of its own (another process making it at once is no error). */
    private void ensureRow(String name) throws SQLException {
        try (Connection connection = store.connection()) {
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM store_locks WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        return;
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO store_locks (name) VALUES (?)")) {
                insert.setString(1, name);
                insert.executeUpdate();
            } catch (SQLException raced) {
                if (!"23505".equals(raced.getSQLState())) { // a unique key violation: another made it meanwhile
                    throw raced;
                }
            }
        }
    }

    /** A name held in this process: {@link #close()} gives it up (the row's lock ends with its transaction). */
    public final class Held implements AutoCloseable {
        private final String name;
        private final ReentrantLock here;

        private Held(String name, ReentrantLock here) {
            this.name = name;
            this.here = here;
        }

        /**
         * Locks the name's row for {@code transaction} (auto-commit off) until it ends: the hold across processes.
         *
         * @throws SQLException the row is gone (made again at this process's next hold) or the database refused
         */
        public void lockRow(Connection transaction) throws SQLException {
            if (transaction.getAutoCommit()) {
                throw new IllegalStateException("a named lock is held for a transaction: turn auto-commit off first");
            }
            if (!NamedLocks.lockRow(transaction, name)) {
                rows.remove(name);
                throw new SQLException("the lock row of '" + name.replace('\n', ' ') + "' is missing (store_locks); "
                        + "it is made again at the next call");
            }
        }

        @Override
        public void close() {
            here.unlock();
        }
    }
}
