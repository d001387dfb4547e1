package org.carehost.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;

import org.apache.felix.service.command.CommandSession;

/**
 * The question a command asks before it does what an operator may not have meant (installing a plugin with what it
 * needs, a switch that stops running plugins): what will happen is shown, then {@code [y/N]}, and one line is read
 * at the keyboard. A piped script cannot answer, so it is not asked: the command refuses at once and names its
 * {@code --yes}. One definition for every command that asks.
 */
public final class Confirmation {

    /** The session variable the console's script runner sets (piped input): its presence marks a script. */
    public static final String SCRIPT_VARIABLE = ".carehost.script.exit";

    /** The answer. */
    public enum Answer {
        /** y or yes. */
        YES,
        /** Anything else, an empty line included. */
        NO,
        /** A piped script: not asked. */
        SCRIPT,
        /** The input ended before a line was typed. */
        ENDED
    }

    private Confirmation() {
    }

    /** Whether the session runs a piped script (whose commands cannot be asked anything). */
    public static boolean isScript(CommandSession session) {
        return session.get(SCRIPT_VARIABLE) != null;
    }

    /**
     * Shows {@code shown} (what will happen, ending with a line break, or empty) and {@code question}, followed by
     * {@code [y/N]}, and reads the answer; a script is not asked ({@link Answer#SCRIPT}).
     */
    public static Answer ask(CommandSession session, String shown, String question) throws IOException {
        if (isScript(session)) {
            return Answer.SCRIPT;
        }
        PrintStream console = session.getConsole();
        console.print(TerminalText.printable(shown) + question + " [y/N] ");
        console.flush();
        String answer = readLine(session.getKeyboard());
        if (answer == null) {
            return Answer.ENDED;
        }
        String a = answer.strip().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes") ? Answer.YES : Answer.NO;
    }

    /**
     * One line typed at the keyboard, or null at the end of input. Not echoed here: between commands the shell's
     * terminal is back in its normal (cooked) mode, which echoes what is typed.
     */
    private static String readLine(InputStream keyboard) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = keyboard.read();
            if (c < 0) {
                return line.length() == 0 ? null : line.toString();
            }
            if (c == '\n' || c == '\r') {
                return line.toString();
            }
            if (line.length() < 16) {
                line.append((char) c);
            }
        }
    }
}
