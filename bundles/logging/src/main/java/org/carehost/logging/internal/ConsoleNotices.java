package org.carehost.logging.internal;

import java.util.List;

import org.carehost.logging.LogAdmin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.ConfigurationEvent;
import ch.qos.logback.core.spi.ConfigurationEventListener;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Lets the console show the INFO lines of {@link LogAdmin#NOTICES}: the operator's etc/logback.xml gives the console
 * appender a WARN threshold, which no container line at INFO passes. A filter of this bundle goes first in the filter
 * list of each console appender of the root logger and accepts those lines (and is neutral about every other, which
 * the file's own filters then decide). Put back after each reading of the file (at this bundle's start and at
 * Logback's rescan of a changed file), which makes new appenders.
 */
final class ConsoleNotices implements ConfigurationEventListener {

    /** Accepts a line of {@link LogAdmin#NOTICES} at INFO or above; neutral about every other. */
    static final class NoticeFilter extends Filter<ILoggingEvent> {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            return LogAdmin.NOTICES.equals(event.getLoggerName()) && event.getLevel().isGreaterOrEqual(Level.INFO)
                    ? FilterReply.ACCEPT : FilterReply.NEUTRAL;
        }
    }

    private final LoggerContext logback;

    ConsoleNotices(LoggerContext logback) {
        this.logback = logback;
    }

    void install() {
        logback.addConfigurationEventListener(this);
        apply();
    }

    void uninstall() {
        logback.removeConfigurationEventListener(this);
    }

    @Override
    public void listen(ConfigurationEvent event) {
        switch (event.getEventType()) {
            case CONFIGURATION_ENDED_SUCCESSFULLY, CONFIGURATION_ENDED_WITH_XML_PARSING_ERRORS,
                    PARTIAL_CONFIGURATION_ENDED_SUCCESSFULLY -> apply();
            default -> {
            }
        }
    }

    /** Puts the filter first on every console appender of the root logger that lacks it. */
    void apply() {
        Logger root = logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (java.util.Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext();) {
            if (!(it.next() instanceof ConsoleAppender<ILoggingEvent> console)) {
                continue;
            }
            List<Filter<ILoggingEvent>> filters = console.getCopyOfAttachedFiltersList();
            if (filters.stream().anyMatch(filter -> filter instanceof NoticeFilter)) {
                continue; // placed already (after the plugins' log budget, which goes first: PluginLogBudget)
            }
            NoticeFilter notices = new NoticeFilter();
            notices.setContext(logback);
            notices.start();
            console.clearAllFilters();
            filters.stream().filter(filter -> filter instanceof PluginLogBudget.BudgetFilter).forEach(console::addFilter);
            console.addFilter(notices);
            filters.stream().filter(filter -> !(filter instanceof PluginLogBudget.BudgetFilter))
                    .forEach(console::addFilter);
        }
    }
}
