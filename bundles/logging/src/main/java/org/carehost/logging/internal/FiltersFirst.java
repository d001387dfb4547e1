package org.carehost.logging.internal;

import java.util.Iterator;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.ConfigurationEvent;
import ch.qos.logback.core.spi.ConfigurationEventListener;

/**
 * A filter of this bundle kept at the head of the filter lists of the root logger's appenders: put there at install,
 * and again after each reading of etc/logback.xml (Logback's configuration events), which makes new appenders. What
 * the filter decides is the subclass's ({@link ConsoleNotices}, {@link PluginLogBudget}); where it goes is here.
 */
abstract class FiltersFirst implements ConfigurationEventListener {

    protected final LoggerContext logback;

    FiltersFirst(LoggerContext logback) {
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

    /** Whether {@code appender} gets this filter. */
    abstract boolean wants(Appender<ILoggingEvent> appender);

    /** Whether {@code filter} is this one's. */
    abstract boolean isOwn(Filter<ILoggingEvent> filter);

    /** A new filter of this one's. */
    abstract Filter<ILoggingEvent> filter();

    /** The filters that stay before this one's (another of this bundle's, which must come first). */
    boolean before(Filter<ILoggingEvent> filter) {
        return false;
    }

    /** Puts the filter on every appender of the root logger it wants that lacks it, after {@link #before} ones. */
    void apply() {
        Logger root = logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext();) {
            Appender<ILoggingEvent> appender = it.next();
            if (!wants(appender)) {
                continue;
            }
            List<Filter<ILoggingEvent>> filters = appender.getCopyOfAttachedFiltersList();
            if (filters.stream().anyMatch(this::isOwn)) {
                continue;
            }
            Filter<ILoggingEvent> own = filter();
            own.setContext(logback);
            own.start();
            appender.clearAllFilters();
            filters.stream().filter(this::before).forEach(appender::addFilter);
            appender.addFilter(own);
            filters.stream().filter(filter -> !before(filter)).forEach(appender::addFilter);
        }
    }
}
