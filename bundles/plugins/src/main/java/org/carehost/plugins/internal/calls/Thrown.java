package org.carehost.plugins.internal.calls;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.carehost.plugins.PluginFailure;

/**
 * What a call into a plugin threw, described on the call's own thread, inside its deadline: a plugin's exception's
 * {@code toString}, {@code getMessage}, {@code getStackTrace} and {@code getCause} are its code (run there as the
 * plugin's), so the caller's thread never asks for them (one that never returns then overruns the deadline instead of
 * holding the caller). Carries the container's description ({@link PluginFailure}: class name, message, frames, causes)
 * for {@link org.carehost.plugins.PluginCallException#getCause()}, never the plugin's object.
 */
final class Thrown extends Exception {
    private static final long serialVersionUID = 1L;
    /** How much of the text, and of each message, is kept. */
    static final int MAX_TEXT = 500;
    /** How many stack frames of each throwable are kept. */
    static final int MAX_FRAMES = 100;
    /** The longest class, method or file name of a frame kept. */
    static final int MAX_NAME = 200;
    /** How many causes deep the description goes. */
    static final int MAX_CAUSES = 8;

    private final String text;

    private Thrown(String text, PluginFailure described) {
        super(null, described, false, false);
        this.text = text;
    }

    /** Reads the text of {@code thrown} and describes it: on the call's thread only. */
    static Thrown of(Throwable thrown) {
        String text;
        try {
            text = String.valueOf(thrown);
        } catch (Throwable broken) { // its toString is its code: whatever it throws, the class name is the text
            text = thrown.getClass().getName();
        }
        return new Thrown(cut(text), describe(thrown, 0, Collections.newSetFromMap(new IdentityHashMap<>())));
    }

    private static PluginFailure describe(Throwable thrown, int depth, Set<Throwable> seen) {
        seen.add(thrown);
        String message;
        try {
            message = thrown.getMessage();
            message = message == null ? null : cut(message);
        } catch (Throwable broken) {
            message = "(its message could not be read: " + broken.getClass().getName() + ")";
        }
        StackTraceElement[] frames;
        try {
            StackTraceElement[] read = thrown.getStackTrace();
            frames = read == null ? new StackTraceElement[0]
                    : Arrays.stream(Arrays.copyOf(read, Math.min(read.length, MAX_FRAMES)))
                            .filter(frame -> frame != null).map(Thrown::frame).toArray(StackTraceElement[]::new);
        } catch (Throwable broken) {
            frames = new StackTraceElement[0];
        }
        PluginFailure cause = null;
        if (depth < MAX_CAUSES) {
            try {
                Throwable next = thrown.getCause();
                if (next != null && !seen.contains(next)) {
                    cause = describe(next, depth + 1, seen);
                }
            } catch (Throwable broken) {
                // its getCause is its code: no cause then
            }
        }
        return new PluginFailure(thrown.getClass().getName(), message, frames, cause);
    }

    /** A frame made again with each of its names cut (a plugin makes its own frames, with names of any length). */
    private static StackTraceElement frame(StackTraceElement frame) {
        return new StackTraceElement(name(frame.getClassName()), name(frame.getMethodName()),
                frame.getFileName() == null ? null : name(frame.getFileName()), frame.getLineNumber());
    }

    private static String name(String name) {
        return name == null ? "?" : name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME) + "...";
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }

    /** The text read on the call's thread, or for anything else the class name only (no plugin code runs). */
    static String text(Throwable cause) {
        return cause instanceof Thrown thrown ? thrown.text : cause == null ? "null" : cause.getClass().getName();
    }

    /** The container's description of what the plugin threw; anything else as it is. */
    static Throwable unwrapped(Throwable cause) {
        return cause instanceof Thrown thrown ? thrown.getCause() : cause;
    }
}
