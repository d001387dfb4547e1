package org.example.plugin;

import java.util.List;

import org.slf4j.Logger;

/** Code that org.carehost.logging.internal.OriginsTest loads as a bundle's (a plugin's or the container's), calling SLF4J as such code would. */
public final class PluginCode {

    private PluginCode() {
    }

    /** Logs {@code message} at WARN itself. */
    public static void warn(Logger logger, String message) {
        logger.warn(message);
    }

    /** Has the JDK make the call. */
    public static void warnThroughTheJdk(Logger logger, String message) {
        List.of(message).forEach(logger::warn);
    }

    /** Runs {@code other}'s code, which logs: a call into the container on this code's thread. */
    public static void call(Runnable other) {
        other.run();
    }
}
