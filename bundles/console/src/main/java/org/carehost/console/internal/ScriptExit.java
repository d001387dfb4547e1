package org.carehost.console.internal;

/**
 * An {@code exit} requested in a piped script: the script runner puts one in its session and stops reading
 * input once {@link ExitCommand} has set it.
 */
final class ScriptExit {

    /** The session variable the script runner sets; an interactive session has none. */
    static final String VARIABLE = ".carehost.script.exit";

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
