package org.carehost.operators.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.carehost.store.Statements;
import org.carehost.store.Store;

/**
 * Failed logins per source address, in the store (table {@code operator_source_lock}, migration V17), so that an
 * address refused on one node is refused on every node sharing the database, and a restart forgets nothing. One row
 * per address: the failures of its window (the lockout period from its first failure) and, once they reach the
 * limit, until when it is locked (the lockout period from then). Every change is one conditional statement, so
 * that nodes counting at the same moment agree without locks: the one update that sets the lock is the one that
 * reports it. Rows whose window and lock are both over are deleted at most once a minute per node, in passing; an
 * address is kept to its first 100 characters.
 */
final class SourceLockout {

    private static final int MAX_ADDRESS = 100;
    private static final long PRUNE_EVERY_MILLIS = 60_000;
    private static final String DUPLICATE_KEY = "23505"; // SQLSTATE unique_violation, in H2 and PostgreSQL

    private final Store store;
    private final AtomicLong lastPrune = new AtomicLong();

    SourceLockout(Store store) {
        this.store = store;
    }

    /** Whether the address is locked now. */
    boolean locked(String address, Instant now) throws SQLException {
        try (Connection connection = store.connection(); PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM operator_source_lock WHERE address = ? AND locked_until > ?")) {
            select.setString(1, key(address));
            select.setObject(2, Statements.utc(now));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Counts a failure; true when it is the one that locks the address ({@code max} reached just now, on any node). */
    boolean fail(String address, int max, Duration period, Instant now) throws SQLException {
        String key = key(address);
        prune(period, now);
        if (count(key, period, now) == 0) {
            try {
                Statements.update(store, "INSERT INTO operator_source_lock (address, window_start, failures) "
                        + "VALUES (?, ?, 1)", key, Statements.utc(now));
            } catch (SQLException e) {
                if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                    throw e;
                }
                count(key, period, now); // another node inserted it first: count on its row
            }
        }
        return Statements.update(store, "UPDATE operator_source_lock SET locked_until = ? WHERE address = ? "
                + "AND failures >= ? AND (locked_until IS NULL OR locked_until <= ?)", Statements.utc(now.plus(period)),
                key, max, Statements.utc(now)) > 0;
    }

    /** One more failure in the address's window, or the first of a new one when it is over; 0 when it has no row. */
    private int count(String key, Duration period, Instant now) throws SQLException {
        Object windowOpen = Statements.utc(now.minus(period));
        return Statements.update(store, "UPDATE operator_source_lock SET "
                + "failures = CASE WHEN window_start > ? THEN failures + 1 ELSE 1 END, "
                + "window_start = CASE WHEN window_start > ? THEN window_start ELSE ? END WHERE address = ?",
                windowOpen, windowOpen, Statements.utc(now), key);
    }

    private void prune(Duration period, Instant now) throws SQLException {
        long last = lastPrune.get();
        if (now.toEpochMilli() - last < PRUNE_EVERY_MILLIS || !lastPrune.compareAndSet(last, now.toEpochMilli())) {
            return;
        }
        Statements.update(store, "DELETE FROM operator_source_lock WHERE window_start <= ? "
                + "AND (locked_until IS NULL OR locked_until <= ?)", Statements.utc(now.minus(period)),
                Statements.utc(now));
    }

    private static String key(String address) {
        return address.length() > MAX_ADDRESS ? address.substring(0, MAX_ADDRESS) : address;
    }

    /** The address part of a source such as {@code ssh 127.0.0.1}. */
    static String address(String source) {
        if (source == null) {
            return "unknown";
        }
        int space = source.indexOf(' ');
        return space < 0 ? source : source.substring(space + 1);
    }
}
