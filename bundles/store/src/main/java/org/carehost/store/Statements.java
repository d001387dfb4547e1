package org.carehost.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * One parameterised statement on a pooled connection of its own, and the one way an instant is written to a
 * {@code TIMESTAMP WITH TIME ZONE} column: the same for every container service that keeps rows of its own.
 *
 * @since 2.2
 */
public final class Statements {

    private Statements() {
    }

    /**
     * Runs one {@code INSERT}, {@code UPDATE} or {@code DELETE} in a transaction of its own (auto-commit), its
     * parameters bound in order with {@link PreparedStatement#setObject(int, Object)}.
     *
     * @return how many rows it changed
     */
    public static int update(Store store, String sql, Object... parameters) throws SQLException {
        try (Connection connection = store.connection();
                PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            return update.executeUpdate();
        }
    }

    /** The instant in UTC, as both databases take it for a time-zone column; null stays null. */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
