package org.carehost.logging.internal;

import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.carehost.logging.LogAdmin;
import org.osgi.service.cm.ConfigurationException;
import org.osgi.service.cm.ManagedService;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;

/**
 * The logger levels set at run time ({@code log:level}), applied over the ones {@code etc/logback.xml} sets: read
 * from the Config Admin configuration {@value LogAdmin#PID} (so they survive restarts), applied to Logback at once,
 * and applied again whenever Logback re-reads its changed file (which resets every level to the file's).
 */
final class RuntimeLevels implements ManagedService, LoggerContextListener {

    private static final Pattern LOGGER_NAME = Pattern.compile("ROOT|[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$-]*)*");

    private final LoggerContext logback;
    /** Logger name to level, as configured. */
    private Map<String, String> levels = Map.of();
    /** The level each overridden logger had from the file, to give back when its override goes. */
    private final Map<String, Level> fromFile = new HashMap<>();
    /** Config Admin deliveries still to come for {@code log:level} writes already in force. */
    private int pendingOwn;
    /** Set while this sets a level, so that its own change is not taken for the file's. */
    private boolean applying;

    RuntimeLevels(LoggerContext logback) {
        this.logback = logback;
        logback.addListener(this);
    }

    void close() {
        logback.removeListener(this);
    }

    /** The configured entries ({@code logger=LEVEL}) as a map; throws naming the first bad entry. */
    static Map<String, String> parse(Collection<String> entries) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("'" + entry + "' is not logger=LEVEL");
            }
            String logger = entry.substring(0, equals).strip();
            String level = entry.substring(equals + 1).strip();
            check(logger, level);
            parsed.put(logger, level.toUpperCase(Locale.ROOT));
        }
        return parsed;
    }

    static void check(String logger, String level) {
        if (logger == null || !LOGGER_NAME.matcher(logger).matches()) {
            throw new IllegalArgumentException("'" + logger + "' is not a logger name: use ROOT or a dotted name such "
                    + "as org.carehost.plugins");
        }
        if (level == null || !LogAdmin.LEVEL_NAMES.contains(level.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("'" + level + "' is not a level: use one of "
                    + String.join(", ", LogAdmin.LEVEL_NAMES));
        }
    }

    /**
     * Config Admin's delivery, on its own thread and late: each {@code log:level} is in force at once
     * ({@link #applyOwn}), and its delivery follows. Two in a row (DEBUG, then INHERIT) would see the first one's
     * delivery arrive after the second was applied and put DEBUG back (seen in a test), so a delivery is applied only
     * when no later {@code log:level} is waiting for its own.
     */
    @Override
    public synchronized void updated(Dictionary<String, ?> properties) throws ConfigurationException {
        Map<String, String> next;
        try {
            next = properties == null ? Map.of() : parse(LogAdminImpl.entries(properties.get(LogAdmin.LEVELS)));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(LogAdmin.LEVELS, e.getMessage());
        } finally {
            if (pendingOwn > 0) {
                pendingOwn--;
            }
        }
        if (pendingOwn == 0) {
            apply(next);
        }
    }

    /** A {@code log:level} about to write its configuration: its delivery is on its way. */
    synchronized void expectOwn() {
        pendingOwn++;
    }

    /** A {@code log:level}'s write failed: no delivery will come for it. */
    synchronized void ownFailed() {
        pendingOwn = Math.max(0, pendingOwn - 1);
    }

    /** A {@code log:level}'s levels, written to Config Admin, in force now. */
    synchronized void applyOwn(Map<String, String> next) {
        apply(next);
    }

    /** Applies {@code next} at once (also called before Config Admin delivers it, so a change is in force at once). */
    synchronized void apply(Map<String, String> next) {
        Map<String, String> previous = levels;
        levels = Map.copyOf(next);
        // a level given back is this class's own change, not the file's: onLevelChange would take it for one and put
        // the override straight back (log:level x INHERIT left x at its old level)
        applying = true;
        try {
            for (String gone : previous.keySet()) {
                if (!next.containsKey(gone)) {
                    logger(gone).setLevel(fromFile.remove(gone));
                }
            }
        } finally {
            applying = false;
        }
        levels.forEach(this::override);
    }

    synchronized Map<String, String> configured() {
        return levels;
    }

    private void override(String name, String level) {
        Logger logger = logger(name);
        if (!fromFile.containsKey(name)) { // not putIfAbsent: a logger with no level of its own is mapped to null,
            fromFile.put(name, logger.getLevel()); // which putIfAbsent replaced with the override at its next apply
        }
        applying = true;
        try {
            logger.setLevel("INHERIT".equals(level) ? null : Level.toLevel(level));
        } finally {
            applying = false;
        }
    }

    private Logger logger(String name) {
        return logback.getLogger("ROOT".equals(name) ? Logger.ROOT_LOGGER_NAME : name);
    }

    private static String nameOf(Logger logger) {
        return Logger.ROOT_LOGGER_NAME.equals(logger.getName()) ? "ROOT" : logger.getName();
    }

    @Override
    public boolean isResetResistant() {
        return true;
    }

    /** Logback re-reads its file: every level was just reset; the run-time ones go back on at once. */
    @Override
    public synchronized void onReset(LoggerContext context) {
        fromFile.clear();
        levels.forEach(this::override);
    }

    /** The file sets a level that a run-time one overrides: remember the file's, keep the run-time one. */
    @Override
    public synchronized void onLevelChange(Logger logger, Level level) {
        String name = nameOf(logger);
        if (!applying && levels.containsKey(name)) {
            fromFile.put(name, level);
            override(name, levels.get(name));
        }
    }

    @Override
    public void onStart(LoggerContext context) {
    }

    @Override
    public void onStop(LoggerContext context) {
    }
}
