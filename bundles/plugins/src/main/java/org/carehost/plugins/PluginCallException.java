package org.carehost.plugins;

/** A call into a plugin did not give a result: the plugin threw, overran its deadline, or was not called. */
public class PluginCallException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the call gave no result. */
    public enum Reason {
        /**
         * The plugin's code threw; {@link #getCause()} is the container's description of what it threw, a
         * {@link PluginFailure} (since 1.6; before, the plugin's own object, whose methods are the plugin's code).
         */
        THREW,
        /** The call overran its deadline (it was interrupted; it may still be running). */
        TIMED_OUT,
        /** The plugin was not called: it is quarantined, or too many of its calls are still running. */
        REFUSED
    }

    private final String plugin;
    private final Reason reason;

    public PluginCallException(String plugin, Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.plugin = plugin;
        this.reason = reason;
    }

    /** The plugin's symbolic name. */
    public String plugin() {
        return plugin;
    }

    public Reason reason() {
        return reason;
    }
}
