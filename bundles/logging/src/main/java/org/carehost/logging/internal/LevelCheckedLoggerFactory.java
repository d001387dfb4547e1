package org.carehost.logging.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;

/**
 * The Log Service's logger factory, registered again in front of it (a higher service ranking): each bundle gets the
 * Log Service's loggers for itself, wrapped in {@link LevelCheckedLogger} so that "is this level enabled?" is
 * Logback's comparison rather than Felix Log's formatting of names. Loggers of another type (the
 * {@code FormatterLogger}) are the Log Service's own.
 */
final class LevelCheckedLoggerFactory implements ServiceFactory<LoggerFactory> {

    /** A service property marking this registration, so that it is never taken for the Log Service's own. */
    static final String MARK = "org.carehost.logging.levels";
    /** Above the Log Service's ranking (none, so 0): Service Component Runtime and DS references pick the highest. */
    static final int RANKING = 100;

    private final LoggerFactory logService;
    private final LoggerContext logback;

    LevelCheckedLoggerFactory(LoggerFactory logService, LoggerContext logback) {
        this.logService = logService;
        this.logback = logback;
    }

    @Override
    public LoggerFactory getService(Bundle bundle, ServiceRegistration<LoggerFactory> registration) {
        return new ForBundle(bundle);
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<LoggerFactory> registration, LoggerFactory service) {
    }

    /** A logger of the Log Service's for this bundle and name, its levels checked through Logback. */
    <L extends Logger> L logger(Bundle bundle, String name, Class<L> type) {
        L logger = logService.getLogger(bundle, name, type);
        if (type != Logger.class || logger == null) {
            return logger;
        }
        return type.cast(new LevelCheckedLogger(logger, logback.getLogger(LogbackListener.loggerName(name, bundle))));
    }

    private final class ForBundle implements LoggerFactory {

        private final Bundle bundle;

        ForBundle(Bundle bundle) {
            this.bundle = bundle;
        }

        @Override
        public Logger getLogger(String name) {
            return logger(bundle, name, Logger.class);
        }

        @Override
        public Logger getLogger(Class<?> clazz) {
            return logger(bundle, clazz.getName(), Logger.class);
        }

        @Override
        public <L extends Logger> L getLogger(String name, Class<L> loggerType) {
            return logger(bundle, name, loggerType);
        }

        @Override
        public <L extends Logger> L getLogger(Class<?> clazz, Class<L> loggerType) {
            return logger(bundle, clazz.getName(), loggerType);
        }

        @Override
        public <L extends Logger> L getLogger(Bundle other, String name, Class<L> loggerType) {
            return logger(other, name, loggerType);
        }
    }
}
