package org.carehost.clinical.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.resource.Page;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small helpers shared by the record classes. */
final class Sql {

    private Sql() {
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A LIKE pattern for "starts with {@code prefix}", with the user's wildcards taken literally. */
    static String startsWith(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** Reads one row into a value. */
    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /**
     * One page of a search: the total count, then the rows of {@code offset}/{@code limit}.
     *
     * @param from the FROM clause with its WHERE conditions (placeholders for {@code parameters})
     */
    static <T> Page<T> page(Connection connection, String columns, String from, String orderBy, List<Object> parameters,
            int offset, int limit, RowReader<T> reader) throws SQLException {
        long total;
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + from)) {
            bind(count, parameters);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                total = row.getLong(1);
            }
        }
        List<T> items = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + columns + " FROM " + from + " ORDER BY " + orderBy + " LIMIT ? OFFSET ?")) {
            bind(select, parameters);
            select.setInt(parameters.size() + 1, limit);
            select.setInt(parameters.size() + 2, offset);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    items.add(reader.read(rows));
                }
            }
        }
        return new Page<>(items, total, offset, limit);
    }

    static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }

    /** A store failure, as the unchecked exception services throw; the SQL text never reaches the caller. */
    static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("The store could not " + what + " (SQL state " + e.getSQLState() + ")", e);
    }
}
