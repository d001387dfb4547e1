package org.carehost.logging.internal;

import java.util.Iterator;
import java.util.function.Predicate;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleReference;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * The {@link org.carehost.logging.ReportedFailures} rule for a library's lines that reach Logback through SLF4J
 * directly, with no Log Service entry: Felix HTTP's (its port taken: three raw ERROR lines, tryout 16 item 7). A WARN
 * or ERROR line whose direct caller is a container bundle's code is handed to the reporters as an entry whose bundle is
 * that caller's; one they claim is written at INFO (to the log file, in full; not to the console, WARN and above), as
 * {@link LogbackListener} writes a claimed Log Service entry. A plugin's line is never claimed: its caller's bundle is
 * the plugin's.
 * <p>
 * A Logback turbo filter, put back after each reset (a reread of etc/logback.xml clears the turbo filters), so it
 * works whatever the operator's file says.
 */
final class LibraryLines extends TurboFilter implements LoggerContextListener {

    private static final String[] MACHINERY = {"ch.qos.logback.", "org.slf4j.", "org.apache.felix.log.",
        "org.carehost.logging."};

    private final ContainerBundles container;
    private final Predicate<LogEntry> reportedElsewhere;
    private final ThreadLocal<Boolean> deciding = new ThreadLocal<>();
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();
    private final StackWalker walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    LibraryLines(ContainerBundles container, Predicate<LogEntry> reportedElsewhere) {
        this.container = container;
        this.reportedElsewhere = reportedElsewhere;
        setName("carehost-library-lines");
    }

    void install(LoggerContext logback) {
        logback.addListener(this);
        logback.addTurboFilter(this);
        start();
    }

    void uninstall(LoggerContext logback) {
        logback.removeListener(this);
        logback.getTurboFilterList().remove(this);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable thrown) {
        if (format == null || level == null || !level.isGreaterOrEqual(Level.WARN) || deciding.get() != null
                || logger.getName().startsWith("org.carehost.")) {
            return FilterReply.NEUTRAL; // a level check, a line of its own, or the container's own line
        }
        deciding.set(Boolean.TRUE);
        try {
            Bundle caller = walker.walk(frames -> callerBundle(frames.map(StackWalker.StackFrame::getDeclaringClass)
                    .iterator()));
            if (caller == null || !container.isContainer(caller)) {
                return FilterReply.NEUTRAL;
            }
            var formatted = MessageFormatter.arrayFormat(format, params);
            Throwable exception = thrown != null ? thrown : formatted.getThrowable();
            String message = formatted.getMessage();
            long now = System.currentTimeMillis();
            LogEntry entry = new Entry(caller, logger.getName(), LogbackListener.toOsgi(level), message, exception,
                    now);
            if (!reportedElsewhere.test(entry)) {
                return FilterReply.NEUTRAL;
            }
            BundleEvent event = new BundleEvent(Logger.class.getName(), logger, Level.INFO, message, exception, caller);
            logger.callAppenders(event);
            return FilterReply.DENY;
        } finally {
            deciding.remove();
        }
    }

    /** The bundle of the first class past the JDK and the logging machinery; null when it is no bundle's. */
    private Bundle callerBundle(Iterator<Class<?>> classes) {
        while (classes.hasNext()) {
            Class<?> type = classes.next();
            ClassLoader loader = type.getClassLoader();
            if (loader == null || loader == platform || isMachinery(type.getName())) {
                continue;
            }
            return loader instanceof BundleReference reference ? reference.getBundle() : null;
        }
        return null;
    }

    private static boolean isMachinery(String className) {
        for (String prefix : MACHINERY) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isResetResistant() {
        return true;
    }

    @Override
    public void onReset(LoggerContext logback) {
        if (!logback.getTurboFilterList().contains(this)) {
            logback.addTurboFilter(this);
        }
    }

    @Override
    public void onStart(LoggerContext logback) {
        // nothing to do
    }

    @Override
    public void onStop(LoggerContext logback) {
        // nothing to do
    }

    @Override
    public void onLevelChange(Logger logger, Level level) {
        // nothing to do
    }

    /** A library's line as a Log Service entry, for the reporters. */
    private record Entry(Bundle bundle, String loggerName, LogLevel level, String message, Throwable exception,
            long time) implements LogEntry {

        @Override
        public Bundle getBundle() {
            return bundle;
        }

        @Override
        public ServiceReference<?> getServiceReference() {
            return null;
        }

        @Override
        @SuppressWarnings("deprecation")
        public int getLevel() {
            return level.ordinal();
        }

        @Override
        public String getMessage() {
            return message;
        }

        @Override
        public Throwable getException() {
            return exception;
        }

        @Override
        public long getTime() {
            return time;
        }

        @Override
        public LogLevel getLogLevel() {
            return level;
        }

        @Override
        public String getLoggerName() {
            return loggerName;
        }

        @Override
        public long getSequence() {
            return 0;
        }

        @Override
        public String getThreadInfo() {
            return Thread.currentThread().getName();
        }

        @Override
        public StackTraceElement getLocation() {
            return null;
        }
    }
}
