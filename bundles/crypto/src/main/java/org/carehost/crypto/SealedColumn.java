package org.carehost.crypto;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The {@link SealedValues} of one table column whose values are sealed with the {@link PhiCipher}, each bound to its
 * row's id (the associated data {@code aad(id)}), as the outbox's messages and scheduled jobs' payloads are. A bundle
 * keeping such a column registers one (as a {@code SealedValues} service) so that the key rotation re-seals it before it
 * retires a key. A value is re-sealed only if it is unchanged since it was read, so a concurrent writer always wins;
 * one that does not open under the keys held is left as it is (its reader reports it).
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
        int done = 0;
        try (Connection connection = connections.open()) {
            for (Map.Entry<String, String> row : stale(connection, batch).entrySet()) {
                String again = cipher.seal(cipher.open(row.getValue(), aad.apply(row.getKey())), aad.apply(row.getKey()));
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
        try (Connection connection = connections.open()) {
            return stale(connection, Integer.MAX_VALUE).size();
        } catch (SQLException e) {
            throw new IllegalStateException("The store could not read " + table + "." + column + " (SQL state "
                    + e.getSQLState() + ")", e);
        }
    }

    /** Up to {@code most} values not sealed under the current key, by row id. */
    private Map<String, String> stale(Connection connection, int most) throws SQLException {
        Map<String, String> stale = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + id + ", " + column + " FROM " + table
                + " WHERE " + column + " IS NOT NULL");
                ResultSet rows = select.executeQuery()) {
            while (rows.next() && stale.size() < most) {
                String sealed = rows.getString(2);
                if (!cipher.isCurrent(sealed) && opens(sealed, rows.getString(1))) {
                    stale.put(rows.getString(1), sealed);
                }
            }
        }
        return stale;
    }

    /** A value that does not open under the keys held is left as it is: re-sealing cannot help it, nor may it hold up
     * a rotation (its reader reports it). */
    private boolean opens(String sealed, String rowId) {
        try {
            cipher.open(sealed, aad.apply(rowId));
            return true;
        } catch (CipherException e) {
            return false;
        }
    }

    private static String identifier(String name) {
        if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a table or column name: " + name);
        }
        return name;
    }
}
