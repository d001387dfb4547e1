package org.carehost.plugins.internal.calls;

/**
 * What a call into a plugin threw, with its text read on the call's own thread, inside its deadline: a plugin's
 * exception's {@code toString} and {@code getMessage} are its code, so the caller's thread never asks for them (one
 * that never returns then overruns the deadline instead of holding the caller). Carries the plugin's throwable as its
 * cause for {@link org.carehost.plugins.PluginCallException#getCause()}.
 */
final class Thrown extends Exception {
    private static final long serialVersionUID = 1L;
    /** How much of the text is kept. */
    static final int MAX_TEXT = 500;

    private final String text;

    private Thrown(String text, Throwable thrown) {
        super(null, thrown, false, false);
        this.text = text;
    }

    /** Reads the text of {@code thrown}: on the call's thread only. */
    static Thrown of(Throwable thrown) {
        String text;
        try {
            text = String.valueOf(thrown);
        } catch (RuntimeException | StackOverflowError | LinkageError broken) {
            text = thrown.getClass().getName();
        }
        return new Thrown(text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...", thrown);
    }

    /** The text read on the call's thread, or for anything else the class name only (no plugin code runs). */
    static String text(Throwable cause) {
        return cause instanceof Thrown thrown ? thrown.text : cause == null ? "null" : cause.getClass().getName();
    }

    /** What the plugin threw. */
    static Throwable unwrapped(Throwable cause) {
        return cause instanceof Thrown thrown ? thrown.getCause() : cause;
    }
}
