package org.carehost.logging.internal;

import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceException;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;

/**
 * Hands each Log Service entry to the Logback logger of the same name. A WARN or ERROR entry that a container component
 * reports in a line of its own ({@link org.carehost.logging.ReportedFailures}) is written at INFO, so that it reaches
 * the log file (whose appender takes every level) and not the console (WARN and above). The bundle the Log Service
 * recorded goes with the event ({@link BundleEvent}): it is the line's origin ({@link Origins}).
 */
final class LogbackListener implements LogListener {

    private final LoggerContext logback;
    private final BooleanSupplier stopping;
    private final Predicate<LogEntry> reportedElsewhere;
    private final Repeats repeats = new Repeats();

    /**
     * The entries reported elsewhere already written, by bundle and message (the last 1,000): a plugin's failure
     * written again after its file changed has another message, or comes after others.
     */
    private static final class Repeats {
        private final java.util.Map<String, Boolean> seen = new java.util.LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
                return size() > 1_000;
            }
        };

        synchronized boolean firstTime(LogEntry entry) {
            Bundle bundle = entry.getBundle();
            String key = (bundle == null ? "-" : bundle.getBundleId() + ":" + bundle.getLastModified()) + " "
                    + entry.getLoggerName() + " " + entry.getMessage();
            return seen.put(key, Boolean.TRUE) == null;
        }
    }

    /** {@code stopping}: whether the framework is stopping; {@code reportedElsewhere}: whether a reporter claims it. */
    LogbackListener(LoggerContext logback, BooleanSupplier stopping, Predicate<LogEntry> reportedElsewhere) {
        this.logback = logback;
        this.stopping = stopping;
        this.reportedElsewhere = reportedElsewhere;
    }

    /**
     * A service that could not be got (SCR's factory returned null for a component being deactivated). The Log
     * Service hands exceptions of other bundles over as copies that keep only the original's class name in their
     * message, so the type is recognised by that name.
     */
    private static boolean isServiceGoingAway(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof ServiceException || String.valueOf(cause.getMessage())
                    .startsWith(ServiceException.class.getName() + ":")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void logged(LogEntry entry) {
        Logger logger = logback.getLogger(loggerName(entry));
        Level level = toLogback(entry.getLogLevel());
        if (level == Level.ERROR && stopping.getAsBoolean() && isServiceGoingAway(entry.getException())) {
            // While the framework stops, Event Admin may still try to deliver to a component that is being
            // deactivated: expected, not an error worth the console.
            level = Level.DEBUG;
        }
        if (!logger.isEnabledFor(level)) {
            return;
        }
        if (level.isGreaterOrEqual(Level.WARN) && reportedElsewhere.test(entry)) {
            // In the file, in full, once; on the console only the reporter's own line. Enabled at its own level, above.
            // The deploy watcher tries a plugin it cannot start again at each scan: the same entry with its stack
            // trace, 54 times in one tryout's log; its repetitions go to DEBUG.
            boolean first = repeats.firstTime(entry);
            if (!first && !logger.isEnabledFor(Level.DEBUG)) {
                return;
            }
            level = first ? Level.INFO : Level.DEBUG;
        }
        // The message is already formatted by the Log Service: no arguments. This constructor sets the
        // event's LoggerContext, which Logback's appenders need.
        LoggingEvent event = new BundleEvent(org.osgi.service.log.Logger.class.getName(), logger, level,
                entry.getMessage(), entry.getException(), entry.getBundle());
        event.setInstant(Instant.ofEpochMilli(entry.getTime()));
        event.setThreadName(entry.getThreadInfo());
        StackTraceElement location = entry.getLocation();
        event.setCallerData(location == null ? new StackTraceElement[0] : new StackTraceElement[] {location});
        logger.callAppenders(event);
    }

    /** Framework events (Events.Bundle, Events.Service, ...) get the bundle they are about as a suffix. */
    private static String loggerName(LogEntry entry) {
        String name = entry.getLoggerName();
        Bundle bundle = entry.getBundle();
        if (bundle != null && bundle.getSymbolicName() != null
                && (name.startsWith("Events.") || name.equals("LogService")) && name.indexOf('.', 7) < 0) {
            return name + "." + bundle.getSymbolicName();
        }
        return name;
    }

    static Level toLogback(LogLevel level) {
        switch (level) {
            case AUDIT: return Level.ERROR;
            case ERROR: return Level.ERROR;
            case WARN: return Level.WARN;
            case INFO: return Level.INFO;
            case DEBUG: return Level.DEBUG;
            default: return Level.TRACE;
        }
    }

    static LogLevel toOsgi(Level level) {
        switch (level.toInt()) {
            case Level.ERROR_INT: return LogLevel.ERROR;
            case Level.WARN_INT: return LogLevel.WARN;
            case Level.INFO_INT: return LogLevel.INFO;
            case Level.DEBUG_INT: return LogLevel.DEBUG;
            default: return LogLevel.TRACE;
        }
    }
}
