package org.carehost.logging.internal;

import org.carehost.logging.LogAdmin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Lets the console show the INFO lines of {@link LogAdmin#NOTICES}: the operator's etc/logback.xml gives the console
 * appender a WARN threshold, which no container line at INFO passes. A filter of this bundle goes first in the filter
 * list of each console appender of the root logger (after the plugins' log budget) and accepts those lines (and is neutral
 * about every other, which the file's own filters then decide), put back after each reading of the file
 * ({@link FiltersFirst}).
 */
final class ConsoleNotices extends FiltersFirst {

    /** Accepts a line of {@link LogAdmin#NOTICES} at INFO or above; neutral about every other. */
    static final class NoticeFilter extends Filter<ILoggingEvent> {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            return LogAdmin.NOTICES.equals(event.getLoggerName()) && event.getLevel().isGreaterOrEqual(Level.INFO)
                    ? FilterReply.ACCEPT : FilterReply.NEUTRAL;
        }
    }

    ConsoleNotices(LoggerContext logback) {
        super(logback);
    }

    @Override
    boolean wants(Appender<ILoggingEvent> appender) {
        return appender instanceof ConsoleAppender;
    }

    @Override
    boolean isOwn(Filter<ILoggingEvent> filter) {
        return filter instanceof NoticeFilter;
    }

    @Override
    Filter<ILoggingEvent> filter() {
        return new NoticeFilter();
    }

    /** The plugins' log budget comes first: a plugin's line under that logger is counted as any of its lines. */
    @Override
    boolean before(Filter<ILoggingEvent> filter) {
        return filter instanceof PluginLogBudget.BudgetFilter;
    }
}
