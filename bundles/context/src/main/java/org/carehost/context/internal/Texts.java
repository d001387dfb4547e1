package org.carehost.context.internal;

import java.sql.SQLException;

/** Checks of operator-given text, and store failures as exceptions that say what could not be done. */
final class Texts {

    private Texts() {
    }

    static void require(String what, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(what + " is " + value.length() + " characters long; at most " + max);
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(what + " contains a control character");
        }
    }

    static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Could not " + what + " (SQL state " + e.getSQLState() + ")", e);
    }
}
