package org.carehost.security.internal;

/**
 * Thrown into a quarantined plugin's code, on whatever thread runs it, at the first poll woven into it
 * ({@link CodeStops}): it unwinds the plugin's frames, so that a loop that ignores interrupts ends and a thread of the
 * container the plugin held (a start it never returned from, a task) goes on. An {@link Error}, not an exception, so that
 * code catching exceptions lets it through; code that catches it and runs on is thrown at again at its next poll.
 */
final class PluginCodeStopped extends Error {

    private static final long serialVersionUID = 1L;

    PluginCodeStopped(String message) {
        super(message);
    }
}
