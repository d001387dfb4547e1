package org.carehost.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

class LogbackListenerTest {

    /** Tryout 14: the deploy watcher's entry for a plugin it cannot start, with its stack trace, at every scan. */
    @Test
    void anEntryReportedElsewhereIsWrittenOnceAtInfoAndItsRepetitionsAtDebug() {
        LoggerContext logback = new LoggerContext();
        ListAppender<ILoggingEvent> written = new ListAppender<>();
        written.setContext(logback);
        written.start();
        logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(written);
        logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        LogbackListener listener = new LogbackListener(logback, () -> false, entry -> true);
        for (int scan = 0; scan < 3; scan++) {
            listener.logged(entry("Error while starting bundle: file:/deploy/refused.jar"));
        }
        listener.logged(entry("Error while starting bundle: file:/deploy/other.jar"));
        List<String> lines = written.list.stream().map(event -> event.getLevel() + " " + event.getMessage()).toList();
        assertEquals(List.of("INFO Error while starting bundle: file:/deploy/refused.jar",
                "INFO Error while starting bundle: file:/deploy/other.jar"), lines);
    }

    private static LogEntry entry(String message) {
        return new LogEntry() {
            public Bundle getBundle() { return null; }
            public ServiceReference<?> getServiceReference() { return null; }
            public int getLevel() { return org.osgi.service.log.LogService.LOG_WARNING; }
            public String getMessage() { return message; }
            public Throwable getException() { return null; }
            public long getTime() { return 0; }
            public LogLevel getLogLevel() { return LogLevel.WARN; }
            public String getLoggerName() { return "org.apache.felix.fileinstall"; }
            public long getSequence() { return 0; }
            public String getThreadInfo() { return "fileinstall"; }
            public StackTraceElement getLocation() { return null; }
        };
    }
}
