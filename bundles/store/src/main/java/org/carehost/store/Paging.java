package org.carehost.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.resource.Page;

/** Paged, parameterised searches over the store, the same way for every container service. */
public final class Paging {

    private Paging() {
    }

    /** Reads one row into a value. */
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /**
     * One page of a search: the total count, then the rows of {@code offset}/{@code limit}.
     *
     * @param from the FROM clause with its WHERE conditions (placeholders for {@code parameters})
     */
    public static <T> Page<T> page(Connection connection, String columns, String from, String orderBy, List<Object> parameters,
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

    public static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }

}
