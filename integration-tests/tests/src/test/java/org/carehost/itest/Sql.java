package org.carehost.itest;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.carehost.store.Store;

/** Statements run straight against the container's database: tampering, and counts to check it by. */
final class Sql {

    private Sql() {
    }

    static void execute(Store store, String sql) {
        try (Connection connection = store.connection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static long count(Store store, String sql) {
        try (Connection connection = store.connection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The text of the first column of the first row, or null when there is none. */
    static String text(Store store, String sql) {
        try (Connection connection = store.connection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
