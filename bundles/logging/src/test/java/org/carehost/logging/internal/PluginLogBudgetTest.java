package org.carehost.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class PluginLogBudgetTest {

    private static final long MINUTE = 60_000L * 29_000_000L; // a minute's start, far from any boundary below

    @Test
    void aPluginsLinesOverItsBudgetAreLeftOutUntilTheNextMinuteAndTheContainersNever() throws Exception {
        LoggerContext logback = new LoggerContext();
        Logger root = logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> written = new ListAppender<>();
        written.setContext(logback);
        written.start();
        root.addAppender(written);
        PluginLogBudget budget = new PluginLogBudget(logback,
                event -> event.getLoggerName().startsWith("plugin") ? "plugin org.example.p: " : "");
        budget.install();
        String big = "x".repeat(100 * 1024);
        for (int i = 0; i < 11; i++) {
            written.doAppend(event(logback, "plugin.p", big, MINUTE + i));
        }
        assertEquals(10L, lines(written), "ten lines of 100 KiB (and their 100 each) fit in 1 MiB, the 11th not");
        written.doAppend(event(logback, "org.carehost.x", big, MINUTE + 20));
        assertEquals(11L, lines(written), "the container's line is never counted");
        written.doAppend(event(logback, "plugin.p", "small", MINUTE + 30));
        assertEquals(11L, lines(written), "still over in this minute");
        written.doAppend(event(logback, "plugin.p", big, MINUTE + 60_000));
        assertEquals(12L, lines(written), "the next minute starts afresh");
        written.doAppend(event(logback, "plugin.p", "x".repeat(2 << 20), MINUTE + 60_001));
        assertEquals(12L, lines(written), "a line longer than the whole budget is never written");
        long deadline = System.currentTimeMillis() + 10_000;
        while (snapshot(written).stream().noneMatch(e -> e.getLevel() == Level.WARN)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        ILoggingEvent warning = snapshot(written).stream().filter(e -> e.getLevel() == Level.WARN).findFirst()
                .orElseThrow();
        assertTrue(warning.getFormattedMessage().startsWith("The log leaves out plugin org.example.p's lines"),
                warning.getFormattedMessage());
        budget.uninstall();
    }

    /** The lines written but the budget's own warnings. */
    private static long lines(ListAppender<ILoggingEvent> written) {
        return snapshot(written).stream().filter(e -> e.getLevel() != Level.WARN).count();
    }

    /**
     * The lines written so far: the budget's warning is appended from a thread of its own, so the list is copied
     * under the appender's lock ({@code doAppend} holds it), not read while that thread may add to it (a
     * ConcurrentModificationException failed a clean-clone build once).
     */
    private static java.util.List<ILoggingEvent> snapshot(ListAppender<ILoggingEvent> written) {
        synchronized (written) {
            return new java.util.ArrayList<>(written.list);
        }
    }

    private static LoggingEvent event(LoggerContext logback, String logger, String message, long time) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logback.getLogger(logger), Level.INFO, message,
                null, null);
        event.setTimeStamp(time);
        return event;
    }
}
