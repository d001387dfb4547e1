package org.carehost.logging.internal;

import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;
import ch.qos.logback.core.pattern.DynamicConverter;

/**
 * Makes {@code %origin} ({@link OriginConverter}) a conversion word of Logback's context, and keeps it one.
 *
 * <p>Logback reads etc/logback.xml when SLF4J first starts, before this bundle can register anything, and a word it
 * does not know there is an error it prints on the console. So the shipped file names the word through a variable,
 * {@code ${carehost.origin:-}}: empty at that first reading, {@code %origin} once this rule is installed, which sets
 * the variable (a property of the context), registers the word and reads the file again ({@link #install}). Logback
 * clears both at every reset (its 30-second rescan of a changed file resets the context first): this listener, reset
 * resistant, puts them back before the file is read again. An operator's file that names {@code %origin} directly
 * works from this bundle's start on, but Logback's first reading prints that it does not know the word.
 */
final class OriginRule implements LoggerContextListener {

    /** The context property the shipped etc/logback.xml names where the origin goes. */
    static final String VARIABLE = "carehost.origin";
    static final String WORD = "origin";

    private final Supplier<DynamicConverter> converters;

    OriginRule(Origins origins) {
        this.converters = () -> new OriginConverter(origins);
    }

    /**
     * Registers the word in {@code logback} and reads the configuration it was read from again (none, as in a unit
     * test's context: nothing read).
     */
    void install(LoggerContext logback) {
        logback.addListener(this);
        register(logback);
        URL configuration = ConfigurationWatchListUtil.getMainWatchURL(logback);
        if (configuration == null) {
            return;
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(logback);
        logback.reset();
        try {
            configurator.doConfigure(configuration);
        } catch (JoranException e) {
            // Logback has recorded it in its status list, as at its own reading; the line says where to look.
            System.err.println("carehost: " + configuration + " could not be read again to label plugins' lines ("
                    + e.getMessage() + "): correct the file; Logback re-reads it within 30 seconds of a change");
        }
    }

    /** Takes the word out of {@code logback} (this bundle stops; a later reading writes no origin). */
    void uninstall(LoggerContext logback) {
        logback.removeListener(this);
        if (logback.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS) instanceof Map<?, ?> rules) {
            rules.remove(WORD);
        }
        logback.putProperty(VARIABLE, "");
    }

    @SuppressWarnings("unchecked")
    private void register(LoggerContext logback) {
        Object rules = logback.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        Map<String, Supplier<DynamicConverter>> map;
        if (rules instanceof Map) {
            map = (Map<String, Supplier<DynamicConverter>>) rules;
        } else {
            map = new HashMap<>();
            logback.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, map);
        }
        map.put(WORD, converters);
        logback.putProperty(VARIABLE, "%" + WORD);
    }

    @Override
    public boolean isResetResistant() {
        return true;
    }

    @Override
    public void onReset(LoggerContext logback) {
        register(logback);
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
}
