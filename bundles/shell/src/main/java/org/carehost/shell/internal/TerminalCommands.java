package org.carehost.shell.internal;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Gogo's commands that draw on the session's terminal (the session variable {@value #TERMINAL}, which Gogo's own
 * console sets and the SSH shell sets for an interactive session): without one they failed with a
 * {@code NullPointerException} ("Cannot invoke ... because "terminal" is null", tryout 16, items 8 and 20), and
 * {@code gogo:nano} and {@code gogo:less} said so with exit status 0. A remote session without a terminal (a one-shot
 * {@code ssh host command}) refuses them before they run, so the command fails with one line that says why.
 */
final class TerminalCommands {

    /** Where Gogo's commands find the terminal ({@code Shell.getTerminal}). */
    static final String TERMINAL = ".terminal";

    /** Gogo's commands (org.apache.felix.gogo.jline 1.1.8, {@code Posix} and {@code Shell}) that need one. */
    static final Set<String> NEED_ONE = Set.of("gogo:clear", "gogo:less", "gogo:nano", "gogo:tmux", "gogo:ttop",
            "gogo:watch", "gogo:gosh", "gogo:sh");

    private TerminalCommands() {
    }

    /**
     * Why {@code name}, which resolved to {@code command}, cannot run in this session; null when it can (a terminal is
     * there, or the command needs none).
     *
     * @param candidates the scoped commands {@code name} can stand for
     * @param session the session's own lookup ({@value #TERMINAL}, and each candidate, to tell which one resolved)
     */
    static String refusal(String name, Object command, List<String> candidates, Function<String, Object> session) {
        if (session.apply(TERMINAL) != null) {
            return null;
        }
        for (String candidate : candidates) {
            if (NEED_ONE.contains(candidate) && session.apply(candidate) == command) {
                return "'" + name + "' needs a terminal, and this session has none: run it in the interactive SSH "
                        + "shell (ssh -p <port> <user>@<host>, with no command), not as a one-shot command";
            }
        }
        return null;
    }
}
