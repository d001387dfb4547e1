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
 * Failed logins per source address, in the store, so that an address refused on one node is refused on every node
 * sharing the database, and a restart forgets nothing.
 * <p>
 * <b>Counting.</b> Each failure is a row ({@code operator_source_failure}, migration V18); an address is locked when
 * the failures of the last lockout period (a sliding window, counted at each failure) reach the limit, so no run of
 * failures across a window's end gets past it. {@code operator_source_lock} (V17) keeps one row per tracked address:
 * its count at its last failure and until when it is locked. The update that sets a lock is conditional on the
 * address not being locked already, so nodes counting at one moment agree without locks: the one that sets it reports
 * it. (Two nodes inserting the failures that reach the limit at the same instant may each count one short; the next
 * failure then locks.)
 * <p>
 * <b>Bounded.</b> At most {@value #MAX_TRACKED} addresses are tracked one by one at once; past that, the failures of an
 * untracked address are counted under its network ({@link SourceNetworks}: the /24 of an IPv4 address, the /48 of an
 * IPv6 one, so that a site's 65,536 /64s share one budget), and while that network's row is locked its untracked
 * addresses are refused. So an attacker filling the table with addresses wins no unlimited tries for its next one,
 * and locks only the networks it sends from: an address with a row of its own is decided by that row alone, and a
 * loopback address always gets a row of its own (only a process on this machine has one), so others' failures never
 * lock either. A network row costs one failure, as a failure row does: the table grows no faster than the failures
 * do, and is pruned as they are. A source that is no IP address (none of the listeners gives one) is counted under
 * {@value #OTHERS} once the table is full. Failures older than the period and rows neither locked nor failing within
 * it are deleted at most once a minute per node, in passing.
 * <p>
 * <b>Time.</b> The instants are the container clock's ({@code org.carehost.clock}: the project's one definition of
 * the time, which tests move), as for the scheduler's and the outbox's claims that nodes share: nodes on one database
 * are expected to keep their clocks in step (NTP); a node whose clock is off by {@code s} sees a lock {@code s}
 * shorter or longer. The database's own clock would be a second definition of the time.
 */
final class SourceLockout {

    /** The key under which failures of sources that are no IP address are counted once the table is full. */
    static final String OTHERS = "(others)";
    static final int MAX_TRACKED = 10_000;
    private static final long PRUNE_EVERY_MILLIS = 60_000;
    private static final String DUPLICATE_KEY = "23505"; // SQLSTATE unique_violation, in H2 and PostgreSQL

    private final Store store;
    private final AtomicLong lastPrune = new AtomicLong();

    SourceLockout(Store store) {
        this.store = store;
    }

    /**
     * Whether the address is locked now: by its own row when it has one; else, unless it is a loopback address, by
     * its network's row (or, no IP address, by {@value #OTHERS}).
     */
    boolean locked(String address, Instant now) throws SQLException {
        String key = SourceNetworks.key(address);
        String shared = SourceNetworks.network(address).orElse(OTHERS);
        try (Connection connection = store.connection(); PreparedStatement select = connection.prepareStatement(
                "SELECT address, locked_until FROM operator_source_lock WHERE address IN (?, ?)")) {
            select.setString(1, key);
            select.setString(2, shared);
            boolean tracked = false;
            boolean own = false;
            boolean others = false;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    java.time.OffsetDateTime until = rows.getObject(2, java.time.OffsetDateTime.class);
                    boolean lockedNow = until != null && until.toInstant().isAfter(now);
                    if (key.equals(rows.getString(1))) {
                        tracked = true;
                        own = lockedNow;
                    } else {
                        others = lockedNow;
                    }
                }
            }
            return tracked ? own : !SourceNetworks.loopback(address) && others;
        }
    }

    /** Counts a failure; true when it is the one that locks the address ({@code max} reached just now, on any node). */
    boolean fail(String address, int max, Duration period, Instant now) throws SQLException {
        prune(period, now);
        String key = track(address, now);
        Statements.update(store, "INSERT INTO operator_source_failure (address, failed_at) VALUES (?, ?)", key,
                Statements.utc(now));
        int failures = failures(key, period, now);
        Statements.update(store, "UPDATE operator_source_lock SET failures = ? WHERE address = ?", failures, key);
        return failures >= max && Statements.update(store, "UPDATE operator_source_lock SET locked_until = ? "
                + "WHERE address = ? AND (locked_until IS NULL OR locked_until <= ?)",
                Statements.utc(now.plus(period)), key, Statements.utc(now)) > 0;
    }

    /**
     * The key the address's failures are counted under: its own row, made if fewer than the limit are tracked one by
     * one or the address is a loopback one; else its network's row, made if missing.
     */
    private String track(String address, Instant now) throws SQLException {
        String key = SourceNetworks.key(address);
        try (Connection connection = store.connection()) {
            if (exists(connection, key)) {
                return key;
            }
            if (!SourceNetworks.loopback(address) && trackedOneByOne(connection) >= MAX_TRACKED) {
                key = SourceNetworks.network(address).orElse(OTHERS);
                if (exists(connection, key)) {
                    return key;
                }
            }
        }
        try {
            Statements.update(store, "INSERT INTO operator_source_lock (address, window_start, failures) "
                    + "VALUES (?, ?, 0)", key, Statements.utc(now));
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw e;
            }
            // another node made it first: count on its row
        }
        return key;
    }

    /** The rows of single addresses: not those of networks ({@code /} in the key) nor {@value #OTHERS}. */
    private static int trackedOneByOne(Connection connection) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM operator_source_lock "
                + "WHERE address NOT LIKE '%/%' AND address <> ?")) {
            count.setString(1, OTHERS);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static boolean exists(Connection connection, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM operator_source_lock WHERE address = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** The address's failures within the last period, this one included. */
    private int failures(String key, Duration period, Instant now) throws SQLException {
        try (Connection connection = store.connection(); PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM operator_source_failure WHERE address = ? AND failed_at > ?")) {
            count.setString(1, key);
            count.setObject(2, Statements.utc(now.minus(period)));
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private void prune(Duration period, Instant now) throws SQLException {
        long last = lastPrune.get();
        if (now.toEpochMilli() - last < PRUNE_EVERY_MILLIS || !lastPrune.compareAndSet(last, now.toEpochMilli())) {
            return;
        }
        Object windowOpen = Statements.utc(now.minus(period));
        Statements.update(store, "DELETE FROM operator_source_failure WHERE failed_at <= ?", windowOpen);
        Statements.update(store, "DELETE FROM operator_source_lock WHERE (locked_until IS NULL OR locked_until <= ?) "
                + "AND window_start <= ? AND NOT EXISTS (SELECT 1 FROM operator_source_failure f WHERE f.address = "
                + "operator_source_lock.address AND f.failed_at > ?)", Statements.utc(now), windowOpen, windowOpen);
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
