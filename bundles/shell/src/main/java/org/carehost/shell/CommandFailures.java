package org.carehost.shell;

/**
 * What an operator is told about a command that failed, in a piped script and over SSH alike: the first message among
 * the error's causes, as {@link TerminalText#printable} shows it (a plugin's exception may have written it). When Gogo
 * found no method of the command that takes the arguments given (too few, too many, or of a kind it cannot convert),
 * Gogo's own words ("Cannot coerce why() to any of [(String)]") name Java methods and types; the operator is told
 * instead that the arguments do not fit, and which {@code help} shows them. That case is told from where the error
 * was thrown (Gogo's reflective call, before any command method ran), not from its text.
 */
public final class CommandFailures {

    /** Gogo runtime's class that picks a command's method for the arguments given, and throws when none fits. */
    private static final String GOGO_METHOD_CHOICE = "org.apache.felix.gogo.runtime.Reflective";

    private CommandFailures() {
    }

    /** @param commandLine the line the operator typed, as run */
    public static String describe(String commandLine, Throwable error) {
        if (argumentsDoNotFit(error)) {
            String line = commandLine == null ? "" : commandLine.strip();
            String[] words = line.split("\\s+", 2);
            String command = line.isEmpty() ? "the command" : words[0];
            String arguments = words.length < 2 ? "" : words[1];
            return arguments.isEmpty() ? "it needs arguments: 'help " + command + "' shows them"
                    : "it does not take the arguments given: 'help " + command + "' shows what it takes";
        }
        Throwable cause = error;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        for (Throwable link = error; link != null; link = link.getCause()) {
            if ((link instanceof InterruptedException || link instanceof java.io.InterruptedIOException)
                    && (cause.getMessage() == null || cause.getMessage().equals(link.toString()))) {
                // a Ctrl-C, or the container stopping under the command (SIGTERM), with no words of its own: not a
                // Java class name (tryout 14 saw "Error: plugin:install ...: InterruptedException")
                return "interrupted (stopped by Ctrl-C or by the container stopping) before it finished";
            }
        }
        return TerminalText.printable(
                cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    /**
     * Whether the command ended because its thread was interrupted (Ctrl-C, or the container stopping under it). A
     * socket's timeout is an {@code InterruptedIOException} too, but no interrupt: not counted.
     */
    public static boolean interrupted(Throwable error) {
        for (Throwable link = error; link != null; link = link.getCause()) {
            if (link instanceof InterruptedException || link instanceof java.nio.channels.ClosedByInterruptException
                    || link instanceof java.io.InterruptedIOException
                            && !(link instanceof java.net.SocketTimeoutException)) {
                return true;
            }
        }
        return false;
    }

    private static boolean argumentsDoNotFit(Throwable error) {
        StackTraceElement[] frames = error.getStackTrace();
        return error instanceof IllegalArgumentException && frames.length > 0
                && GOGO_METHOD_CHOICE.equals(frames[0].getClassName());
    }
}
