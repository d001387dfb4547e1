package org.carehost.logging.internal;

import java.util.HashMap;
import java.util.Map;

import org.osgi.service.log.LogLevel;
import org.osgi.service.log.admin.LoggerAdmin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;

/**
 * Keeps the Log Service's root logger context at the levels Logback is configured with, including after
 * Logback re-reads its changed configuration, and gives the previous levels back when closed.
 */
final class LevelSync implements LoggerContextListener {

    private final org.osgi.service.log.admin.LoggerContext osgi;
    private final Map<String, LogLevel> initial;
    private final LoggerContext logback;

    LevelSync(LoggerAdmin admin, LoggerContext logback) {
        this.osgi = admin.getLoggerContext(null);
        this.initial = osgi.getLogLevels();
        this.logback = logback;
        logback.addListener(this);
        update();
    }

    void close() {
        logback.removeListener(this);
        osgi.setLogLevels(initial);
    }

    private void update() {
        Map<String, LogLevel> levels = new HashMap<>(initial);
        for (Logger logger : logback.getLoggerList()) {
            Level level = logger.getLevel();
            if (level == null) {
                continue;
            }
            String name = Logger.ROOT_LOGGER_NAME.equals(logger.getName())
                    ? org.osgi.service.log.Logger.ROOT_LOGGER_NAME : logger.getName();
            if (level == Level.OFF) {
                levels.remove(name);
            } else {
                levels.put(name, LogbackListener.toOsgi(level));
            }
        }
        osgi.setLogLevels(levels);
    }

    @Override
    public boolean isResetResistant() {
        return true;
    }

    @Override
    public void onStart(LoggerContext context) {
        update();
    }

    @Override
    public void onReset(LoggerContext context) {
        update();
    }

    @Override
    public void onStop(LoggerContext context) {
    }

    @Override
    public void onLevelChange(Logger logger, Level level) {
        update();
    }
}
