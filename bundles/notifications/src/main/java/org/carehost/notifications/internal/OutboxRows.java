package org.carehost.notifications.internal;

import static org.carehost.store.Statements.utc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.carehost.crypto.PhiCipher;
import org.carehost.notifications.OutboxEntry;
import org.carehost.store.NamedLocks;
import org.carehost.store.Statements;
import org.carehost.store.Store;

/**
 * The {@code outbox} table. A notification's content (recipient, subject, body as JSON) is sealed like PHI. A row
 * is delivered only by the node that claims it with a compare-and-set on its version (the database's row lock makes
 * it exclusive when nodes share PostgreSQL); a claim that expires (the node died mid-delivery) is taken over, which
 * is why delivery is at least once.
 */
final class OutboxRows {

    private static final String COLUMNS = "id, plugin, tenant, channel, dedupe_key, state, attempts, next_attempt, "
            + "last_error, created_at, purpose, message, version_id";

    private final Store store;
    /** One send at a time per plugin, here and on every node: its waiting notifications counted and added as one step. */
    private final NamedLocks locks;
    private final PhiCipher cipher;

    OutboxRows(Store store, PhiCipher cipher) {
        this.store = store;
        this.locks = new NamedLocks(store);
        this.cipher = cipher;
    }

    /** One row: what the operator sees, and what delivery needs. */
    record Row(OutboxEntry entry, String purpose, String message, long version) {
    }

    /** Stores a new notification; returns the id of the one already stored under the dedupe key, if any. */
    Optional<String> insert(String id, String plugin, String tenant, String purpose, String channel, String dedupeKey,
            String message, Instant now) {
        return insert(id, plugin, tenant, purpose, channel, dedupeKey, message, now, now);
    }

    /** {@link #insert}, first due at {@code due}. */
    Optional<String> insert(String id, String plugin, String tenant, String purpose, String channel, String dedupeKey,
            String message, Instant now, Instant due) {
        Optional<String> existing = existing(plugin, tenant, dedupeKey);
        if (existing.isPresent()) {
            return existing;
        }
        try (Connection connection = store.connection()) {
            store(connection, id, plugin, tenant, purpose, channel, dedupeKey, message, now, due);
            return Optional.empty();
        } catch (SQLException e) {
            Optional<String> raced = existing(plugin, tenant, dedupeKey); // the same key, sent at the same moment
            if (raced.isPresent()) {
                return raced;
            }
            throw failure("store the notification", e);
        }
    }

    /**
     * A notification sent: the id it is stored under (its own, or the one already stored under its dedupe key), or, when
     * {@code waiting} is not -1, refused because that many of its plugin's notifications wait already.
     */
    record Queued(String id, long waiting) {
    }

    /**
     * Stores a new notification unless its dedupe key was seen (that one's id is the answer, whatever waits) or its
     * plugin has {@code most} notifications waiting: counted and stored as one step per plugin ({@link NamedLocks}), so
     * sends at once, on any node, cannot pass the limit together.
     */
    Queued insertBelow(String id, String plugin, String tenant, String purpose, String channel, String dedupeKey,
            String message, Instant now, long most) {
        try (NamedLocks.Held limit = locks.hold("outbox\n" + plugin); Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                limit.lockRow(connection);
                Optional<String> existing = existing(connection, plugin, tenant, dedupeKey);
                if (existing.isPresent()) {
                    connection.rollback();
                    return new Queued(existing.get(), -1);
                }
                long waiting = waiting(connection, plugin);
                if (waiting >= most) {
                    connection.rollback();
                    return new Queued(null, waiting);
                }
                store(connection, id, plugin, tenant, purpose, channel, dedupeKey, message, now, now);
                connection.commit();
                return new Queued(id, -1);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            Optional<String> raced = existing(plugin, tenant, dedupeKey); // the same key, sent at the same moment
            if (raced.isPresent()) {
                return new Queued(raced.get(), -1);
            }
            throw failure("store the notification", e);
        }
    }

    private static Optional<String> existing(Connection connection, String plugin, String tenant, String dedupeKey)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM outbox WHERE plugin = ? "
                + "AND tenant = ? AND dedupe_key = ?")) {
            select.setString(1, plugin);
            select.setString(2, tenant);
            select.setString(3, dedupeKey);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    private static long waiting(Connection connection, String plugin) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM outbox WHERE plugin = ? "
                + "AND state IN ('PENDING', 'SENDING')")) {
            count.setString(1, plugin);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private void store(Connection connection, String id, String plugin, String tenant, String purpose, String channel,
            String dedupeKey, String message, Instant now, Instant due) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO outbox (id, plugin, tenant, purpose, "
                + "channel, dedupe_key, message, state, attempts, next_attempt, version_id, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, 1, ?)")) {
            insert.setString(1, id);
            insert.setString(2, plugin);
            insert.setString(3, tenant);
            insert.setString(4, purpose);
            insert.setString(5, channel);
            insert.setString(6, dedupeKey);
            insert.setString(7, cipher.seal(message, aad(id)));
            insert.setObject(8, utc(due));
            insert.setObject(9, utc(now));
            insert.executeUpdate();
        }
    }

    /** The id of the notification the plugin stored under this dedupe key in the tenant, if any. */
    Optional<String> existing(String plugin, String tenant, String dedupeKey) {
        List<Row> rows = select("SELECT " + COLUMNS + " FROM outbox WHERE plugin = ? AND tenant = ? AND dedupe_key = ?",
                plugin, tenant, dedupeKey);
        return rows.stream().findFirst().map(row -> row.entry().id());
    }

    Optional<Row> byId(String id) {
        return select("SELECT " + COLUMNS + " FROM outbox WHERE id = ?", id).stream().findFirst();
    }

    List<Row> due(Instant now, int limit) {
        return select("SELECT " + COLUMNS + " FROM outbox WHERE (state = 'PENDING' AND next_attempt <= ?) "
                + "OR (state = 'SENDING' AND claim_until < ?) ORDER BY next_attempt LIMIT " + limit, utc(now), utc(now));
    }

    boolean claim(Row row, Instant until) {
        return update("UPDATE outbox SET state = 'SENDING', claim_until = ?, version_id = version_id + 1 "
                + "WHERE id = ? AND version_id = ?", utc(until), row.entry().id(), row.version()) == 1;
    }

    /** This process's claim of one entry made back into a pending entry, due as it was, no attempt counted. */
    void release(String id, long claimedVersion) {
        update("UPDATE outbox SET state = 'PENDING', claim_until = NULL, version_id = version_id + 1 "
                + "WHERE id = ? AND version_id = ?", id, claimedVersion);
    }

    /** Every claim made back into a pending entry, due as it was; how many there were. */
    int releaseClaims() {
        return update("UPDATE outbox SET state = 'PENDING', claim_until = NULL, version_id = version_id + 1 "
                + "WHERE state = 'SENDING'");
    }

    /** Records an attempt's outcome if the claim made at {@code claimedVersion} still holds; 1 if so, else 0. */
    int finish(String id, long claimedVersion, String state, int attempts, Instant next, String error) {
        return update("UPDATE outbox SET state = ?, attempts = ?, next_attempt = ?, last_error = ?, claim_until = NULL, "
                + "version_id = version_id + 1 WHERE id = ? AND version_id = ?", state, attempts, utc(next),
                error == null ? null : error.substring(0, Math.min(2000, error.length())), id, claimedVersion);
    }

    List<Row> newest(boolean deadOnly) {
        return select("SELECT " + COLUMNS + " FROM outbox" + (deadOnly ? " WHERE state = 'DEAD'" : "")
                + " ORDER BY created_at DESC LIMIT 200");
    }

    private List<Row> select(String sql, Object... parameters) {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    String id = row.getString(1);
                    OutboxEntry entry = new OutboxEntry(id, row.getString(2), row.getString(3), row.getString(4),
                            row.getString(5), row.getString(6), row.getInt(7),
                            row.getObject(8, OffsetDateTime.class).toInstant(), row.getString(9),
                            row.getObject(10, OffsetDateTime.class).toInstant());
                    rows.add(new Row(entry, row.getString(11), row.getString(12), row.getLong(13)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw failure("read the outbox", e);
        }
    }

    /** The sealed content of a row, opened. */
    String open(Row row) {
        return cipher.open(row.message(), aad(row.entry().id()));
    }

    private int update(String sql, Object... parameters) {
        try {
            return Statements.update(store, sql, parameters);
        } catch (SQLException e) {
            throw failure("change the outbox", e);
        }
    }

    static String aad(String id) {
        return "outbox.message|" + id;
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Could not " + what + ": " + e.getMessage(), e);
    }
}
