package org.carehost.config.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Keeps the container's secrets from plugins' configurations: a value with Config Admin's interpolation marker
 * {@code $[} ({@code $[env:CAREHOST_DATA_KEY]}, {@code $[secret:https]}, {@code $[prop:...]}) is dropped from a
 * configuration on its way to any bundle but the container's, before the interpolation plugin could resolve it
 * (this plugin's ranking is below interpolation's), so a plugin never receives an interpolated value. The drop is
 * logged and posted as {@code carehost/config/REJECTED}, as {@link ConfigGuard}'s refusals are; the key's default
 * then applies. The container's bundles get their values, {@code $[...]} resolved, as before. Plugin settings written
 * through {@code PluginSettings} (REST, {@code plugin:config}) refuse {@code $[} at the write already; this catches
 * one stored by other means ({@code etc/*.cfg}, Config Admin directly).
 */
@Component(property = {
        ConfigurationPlugin.CM_RANKING + ":Integer=" + RawValues.RANKING,
        "config.plugin.id=" + RawValues.PLUGIN_ID
})
public final class RawValues implements ConfigurationPlugin {

    static final String PLUGIN_ID = "org.carehost.config.rawvalues";
    /** Below the Felix interpolation plugin's ranking, 500: this plugin sees the values as stored. */
    static final int RANKING = 100;
    static final String PLACEHOLDER = "$[";
    /**
     * A placeholder Config Admin's interpolation plugin resolves: {@code $[type:...]} (env, prop, secret, conf; a
     * nested one included). Other text with {@code $[} (a JSONPath such as {@code $[0].code}) is the plugin's own.
     * The same rule as {@code PluginSettingsImpl}'s, which refuses such a value at the write.
     */
    static final java.util.regex.Pattern RESOLVED = java.util.regex.Pattern.compile("\\$\\[\\s*[A-Za-z]+\\s*:");

    private final ContainerBundles containerBundles;
    private final EventAdmin events;
    private final Logger log;

    @Activate
    public RawValues(BundleContext context, @Reference EventAdmin events,
            @Reference(service = LoggerFactory.class) Logger log) {
        this(new ContainerBundles(context), events, log);
    }

    RawValues(ContainerBundles containerBundles, EventAdmin events, Logger log) {
        this.containerBundles = containerBundles;
        this.events = events;
        this.log = log;
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        Bundle receiver = reference.getBundle();
        if (containerBundles.isContainer(receiver)) {
            return;
        }
        List<String> dropped = new ArrayList<>();
        for (String key : Collections.list(properties.keys())) {
            if (hasPlaceholder(properties.get(key))) {
                properties.remove(key);
                dropped.add(key);
            }
        }
        if (dropped.isEmpty()) {
            return;
        }
        String pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        String reason = String.join(", ", dropped) + " held '" + PLACEHOLDER + "type:', which would hand the "
                + "container's environment, secrets or system properties to the plugin: left out (its default "
                + "applies); write the "
                + "value itself";
        ConfigGuard.rejected(events, log, pid, reason, "the other values are delivered", receiver);
    }

    private static boolean hasPlaceholder(Object value) {
        if (value == null) {
            return false;
        }
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                if (hasPlaceholder(Array.get(value, i))) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().anyMatch(RawValues::hasPlaceholder);
        }
        return RESOLVED.matcher(String.valueOf(value)).find();
    }
}
