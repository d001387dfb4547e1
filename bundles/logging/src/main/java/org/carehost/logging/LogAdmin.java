package org.carehost.logging;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The container's log, for operators: the end of the log file and the loggers' levels. A level set here is in
 * force at once and kept across restarts (in the Config Admin configuration {@link #PID}, property
 * {@link #LEVELS}); {@code etc/logback.xml} sets the levels a logger has when that configuration names none.
 */
@ProviderType
public interface LogAdmin {

    /**
     * The logger whose INFO lines the console shows too (it shows WARN and above otherwise): for the container's few
     * lines an operator waits for at the console, such as a rejected configuration's file now taken ("is valid
     * again"), which at WARN would read as a new problem. In the log file as any other line.
     */
    String NOTICES = "org.carehost.notice";

    /** The Config Admin PID of the levels set at run time. */
    String PID = "org.carehost.logging";

    /** Its property: {@code logger=LEVEL} entries ({@code ROOT} for the root logger). */
    String LEVELS = "levels";

    /** The levels a logger may be set to; {@code INHERIT} removes a level set at run time. */
    List<String> LEVEL_NAMES = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "INHERIT");

    /** The last {@code lines} lines of the container's log file ({@code data/log/carehost.log} by default). */
    List<String> tail(int lines) throws IOException;

    /** The log file {@link #tail} reads, as a path. */
    String logFile();

    /** Every logger with a level of its own, and that level, {@code ROOT} first. */
    Map<String, String> levels();

    /**
     * Sets {@code logger}'s level ({@code ROOT} for the root logger), in force at once and kept across restarts.
     *
     * @throws IllegalArgumentException naming the problem when the logger name or the level is not valid; nothing
     *         changes then
     * @throws IOException when the setting cannot be kept (Config Admin unavailable); nothing changes then
     */
    void setLevel(String logger, String level) throws IOException;
}
