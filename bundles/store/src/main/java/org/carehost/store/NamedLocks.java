package org.carehost.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock per name held for a transaction, so that a check and the write it guards (a plugin's quota read, then its
 * document inserted) are one step: in this process (a {@link ReentrantLock} per name, so that threads here wait in
 * Java, never on the database's lock timeout) and across processes sharing the database (the name's row of
 * {@code store_locks}, locked with {@code SELECT ... FOR UPDATE} until the transaction ends, on H2 and PostgreSQL alike).
 * <pre>
 * try (NamedLocks.Held held = locks.lock(connection, name)) { // auto-commit off
 *     ... check, write ...
 *     connection.commit();
 * }
 * </pre>
 *
 * @since 2.6
 */
public final class NamedLocks {

    private final Store store;
    private final ConcurrentHashMap<String, ReentrantLock> local = new ConcurrentHashMap<>();

    public NamedLocks(Store store) {
        this.store = store;
    }

    /** The lock named {@code name}, held until {@link Held#close()}; the row lock until the transaction ends. */
    public Held lock(Connection transaction, String name) throws SQLException {
        if (transaction.getAutoCommit()) {
            throw new IllegalStateException("a named lock is held for a transaction: turn auto-commit off first");
        }
        ReentrantLock here = local.computeIfAbsent(name, key -> new ReentrantLock());
        here.lock();
        try {
            if (!lockRow(transaction, name)) {
                ensureRow(name); // the first time the name is used: on a connection of its own, once
                lockRow(transaction, name);
            }
            return here::unlock;
        } catch (SQLException | RuntimeException | Error e) {
            here.unlock();
            throw e;
        }
    }

    /** Locks the name's row for the transaction; false when there is none yet. */
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

    /** A lock held: {@link #close()} gives up this process's hold (the row's ends with the transaction). */
    @FunctionalInterface
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }
}
