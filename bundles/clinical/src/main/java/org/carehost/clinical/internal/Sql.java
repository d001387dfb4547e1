package org.carehost.clinical.internal;

import java.sql.SQLException;

/** Small helpers shared by the record classes. */
final class Sql {

    private Sql() {
    }

    /** A LIKE pattern for "starts with {@code prefix}", with the user's wildcards taken literally. */
    static String startsWith(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** A store failure, as the unchecked exception services throw; the SQL text never reaches the caller. */
    static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("The store could not " + what + " (SQL state " + e.getSQLState() + ")", e);
    }
}
