package org.carehost.plugins;

/**
 * What a plugin's code threw, as the container describes it: the thrown object's class name, its message and its
 * stack frames, read once on the call's own thread (where the plugin's code that answers them, an override of
 * {@code getMessage}, {@code toString} or {@code getStackTrace}, runs as the plugin's, inside its deadline), and the
 * same for its causes. It is {@link PluginCallException#getCause()} for {@link PluginCallException.Reason#THREW}:
 * never the plugin's own object, so whoever logs or prints it (a logger asking for the message, the stack and the
 * causes; {@code printStackTrace}) runs no plugin code on a container thread. A class of the container's, final.
 *
 * @since 1.6
 */
public final class PluginFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final String className;

    /**
     * @param className the name of the class of what the plugin threw
     * @param message its message as read on the call's thread, or null
     * @param stackTrace its stack frames as read there (copied)
     * @param cause the description of its cause, or null
     */
    public PluginFailure(String className, String message, StackTraceElement[] stackTrace, PluginFailure cause) {
        super(message, cause, false, true);
        this.className = className;
        setStackTrace(stackTrace == null ? new StackTraceElement[0] : stackTrace.clone());
    }

    /** The name of the class of what the plugin threw. */
    public String className() {
        return className;
    }

    /** Its description, as {@link Throwable#toString()} would give it for the plugin's class. */
    @Override
    public String toString() {
        String message = getMessage();
        return message == null ? className : className + ": " + message;
    }

    /** Nothing: the frames are the ones read on the call's thread. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
