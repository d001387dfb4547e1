package org.carehost.shell;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * How the shell shows text an operator's terminal must never act on (the shell's results, a failed command's message,
 * whether at the console, in a piped script or over SSH).
 */
public final class TerminalText {

    private TerminalText() {
    }

    /**
     * Text as an operator's terminal shows it, never as it acts on it: a control character (but a line break or a tab;
     * a carriage return only before a line feed), a C1 control and a bidirectional override become a visible
     * {@code \\uXXXX}. Plugins name themselves, write
     * their headers and throw their messages: an escape sequence in them would move the cursor, hide lines (a refusal,
     * a grant) or, on some terminals, set the operator's clipboard.
     */
    public static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineEnd = c == '\n' || c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
            boolean control = c < 0x20 && c != '\t' && !lineEnd || c >= 0x7F && c <= 0x9F
                    || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (control) {
                    out.append(String.format("\\u%04X", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * A command's result as the shell shows it (Gogo's {@code INSPECT} format), as a string. A result a plugin's command
     * returns may be its own {@code CharSequence}, which Gogo's format hands back as it is: it is read here, in one place
     * the security manager knows (its code runs on the operator's session thread, which it must give back as it found
     * it), never later by whatever prints it.
     *
     * @since 1.8
     */
    public static String formatted(CommandSession session, Object result) throws Exception {
        return String.valueOf(session.format(result, Converter.INSPECT));
    }

    /**
     * A command's formatted result as a script or a one-shot SSH command prints it: ending with one line break. A result
     * that ends with its own (the shell's tables and summaries do) gets no second one, which printed a blank line after
     * it (tryout 16, item 21).
     */
    public static String asLines(CharSequence formatted) {
        String text = formatted == null ? "" : formatted.toString();
        return text.endsWith("\n") ? text : text + System.lineSeparator();
    }
}
