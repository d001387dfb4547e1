package org.carehost.crypto;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The {@link SealedValues} of one table column whose values are sealed with the {@link PhiCipher}, each bound to its
 * row's id (the associated data {@code aad(id)}), as the outbox's messages and scheduled jobs' payloads are. A bundle
 * keeping such a column registers one (as a {@code SealedValues} service) so that the key rotation re-seals it before it
 * retires a key. Stale values are found by their key id ({@code c1.<key>.}), in batches, without opening them; a value
 * is re-sealed only if it is unchanged since it was read, so a concurrent writer always wins; one that does not open
 * under the keys held is left as it is (its reader reports it) and not counted again.
 *
 * <p>The table and column names are the owning bundle's constants, never input.
 *
 * @since 1.3
 */
public final class SealedColumn implements SealedValues {

    /** Where the rows are: a connection of the store's, closed by the caller. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections connections;
    private final PhiCipher cipher;
    private final String table;
    private final String id;
    private final String column;
    private final UnaryOperator<String> aad;
    /** Rows whose value did not open: left as they are, and not counted as stale (re-sealing cannot help them). */
    private final Set<String> unopenable = ConcurrentHashMap.newKeySet();

    /**
     * @param table  the table's name
     * @param id     its key column (text)
     * @param column the column of sealed values (null where there is none)
     * @param aad    the associated data each value is sealed with, from its row's id
     */
    public SealedColumn(Connections connections, PhiCipher cipher, String table, String id, String column,
            UnaryOperator<String> aad) {
        this.connections = Objects.requireNonNull(connections);
        this.cipher = Objects.requireNonNull(cipher);
        this.table = identifier(table);
        this.id = identifier(id);
        this.column = identifier(column);
        this.aad = Objects.requireNonNull(aad);
    }

    @Override
    public int reseal(int batch) {
        List<String> old = oldKeys();
        if (old.isEmpty()) {
            return 0;
        }
        int done = 0;
        try (Connection connection = connections.open()) {
            for (Map.Entry<String, String> row : stale(connection, old, batch + unopenable.size()).entrySet()) {
                if (done >= batch) {
                    break;
                }
                String again;
                try {
                    again = cipher.seal(cipher.open(row.getValue(), aad.apply(row.getKey())), aad.apply(row.getKey()));
                } catch (CipherException unopened) {
                    unopenable.add(row.getKey());
                    continue;
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET " + column
                        + " = ? WHERE " + id + " = ? AND " + column + " = ?")) {
                    update.setString(1, again);
                    update.setString(2, row.getKey());
                    update.setString(3, row.getValue());
                    done += update.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The store could not re-seal " + table + "." + column + " (SQL state "
                    + e.getSQLState() + "); the key rotation tries again", e);
        }
        return done;
    }

    @Override
    public long staleCount() {
        List<String> old = oldKeys();
        if (old.isEmpty()) {
            return 0;
        }
        try (Connection connection = connections.open();
                PreparedStatement count = connection.prepareStatement("SELECT " + id + " FROM " + table + " WHERE "
                        + underAny(old.size()))) {
            bind(count, old);
            long stale = 0;
            try (ResultSet rows = count.executeQuery()) {
                while (rows.next()) {
                    stale += unopenable.contains(rows.getString(1)) ? 0 : 1;
                }
            }
            return stale;
        } catch (SQLException e) {
            throw new IllegalStateException("The store could not read " + table + "." + column + " (SQL state "
                    + e.getSQLState() + ")", e);
        }
    }

    /**
     * How many values of {@code table.column} are sealed under a key the cipher holds besides the current one, found by
     * key id without opening them: while any are, a rotation must not retire those keys.
     *
     * @param table  a table's name (a constant of the code, never input)
     * @param column its column of sealed values
     */
    public static long countUnderOldKeys(Connection connection, PhiCipher cipher, String table, String column)
            throws SQLException {
        List<String> old = oldKeys(cipher);
        if (old.isEmpty()) {
            return 0;
        }
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + identifier(table)
                + " WHERE " + underAny(identifier(column), old.size()))) {
            bind(count, old);
            try (ResultSet rows = count.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    private List<String> oldKeys() {
        return oldKeys(cipher);
    }

    /** The keys held besides the current one: what a rotation still has to move values off. */
    private static List<String> oldKeys(PhiCipher cipher) {
        List<String> old = new ArrayList<>(cipher.keyIds());
        old.remove(cipher.currentKeyId());
        return old;
    }

    /** Up to {@code most} values sealed under one of the {@code old} keys, by row id, those that did not open skipped. */
    private Map<String, String> stale(Connection connection, List<String> old, int most) throws SQLException {
        Map<String, String> stale = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + id + ", " + column + " FROM " + table
                + " WHERE " + underAny(old.size()))) {
            bind(select, old);
            select.setMaxRows(Math.max(1, most));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (!unopenable.contains(rows.getString(1))) {
                        stale.put(rows.getString(1), rows.getString(2));
                    }
                }
            }
        }
        return stale;
    }

    private String underAny(int keys) {
        return underAny(column, keys);
    }

    private static String underAny(String column, int keys) {
        return String.join(" OR ", java.util.Collections.nCopies(keys, column + " LIKE ?"));
    }

    /** Key ids are the cipher's own ({@code k1}, {@code k2}, …): no LIKE wildcard in them. */
    private static void bind(PreparedStatement statement, List<String> keys) throws SQLException {
        for (int i = 0; i < keys.size(); i++) {
            statement.setString(i + 1, "c1." + keys.get(i) + ".%");
        }
    }

    private static String identifier(String name) {
        if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a table or column name: " + name);
        }
        return name;
    }
}
