package org.carehost.console.internal;

/**
 * An {@code exit} requested in a piped script or at the interactive console: each puts one in its session, under a
 * variable of its own, and stops reading input once {@link ExitCommand} has set it.
 */
final class ScriptExit {

    /** The session variable the script runner sets (commands that ask a question tell a script by it). */
    static final String VARIABLE = org.carehost.shell.Confirmation.SCRIPT_VARIABLE;

    /**
     * The session variable the interactive console sets: not {@link #VARIABLE}, by which {@code catalog:install} took
     * the console for a script that cannot answer its question.
     */
    static final String CONSOLE_VARIABLE = ".carehost.console.exit";

    private volatile boolean requested;
    private volatile Integer status;

    void request(Integer statusOrNull) {
        status = statusOrNull;
        requested = true;
    }

    boolean requested() {
        return requested;
    }

    /** The status {@code exit} named, or {@code otherwise} when it named none. */
    int status(int otherwise) {
        Integer named = status;
        return named == null ? otherwise : named;
    }
}
