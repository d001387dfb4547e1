package org.carehost.context.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.carehost.context.PluginSettings;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.SynchronousConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.util.tracker.BundleTracker;

/**
 * Moves per-tenant settings stored as {@code <schema id or pid>~<tenant>} (by an earlier Carehost, context API before
 * 2.2) to {@link PluginSettings#tenantFactoryPid}: stored there they made Declarative Services run one component per
 * configured tenant and none for the others, or, under the schema's own id, reached nothing. A plugin's are moved as
 * it resolves (a {@link BundleTracker}: synchronous bundle events), so before it starts and Declarative Services builds
 * its components. A setting already stored at the new place is kept; the old configuration is deleted either way. Only
 * configurations bound to the plugin's location are taken (as {@code plugin:config} wrote them), never an operator's
 * file in {@code etc/}. Nothing is looked up at a bundle's resolve unless such a configuration may exist: one found
 * at activation, or a factory configuration updated since outside the new place
 * ({@link SynchronousConfigurationListener}: told before the update returns, so a resolve right after it looks).
 */
@Component(immediate = true, service = SynchronousConfigurationListener.class)
public final class TenantSettingsMigration implements SynchronousConfigurationListener {

    private final ConfigurationAdmin configurations;
    private final PluginSettings settings;
    private final Logger log;
    private final BundleTracker<Bundle> tracker;
    /** Whether a configuration to move may exist: cleared when a look finds none. */
    private volatile boolean mayExist = true;

    @Activate
    public TenantSettingsMigration(BundleContext context, @Reference ConfigurationAdmin configurations,
            @Reference PluginSettings settings, @Reference(service = LoggerFactory.class) Logger log) {
        this.configurations = configurations;
        this.settings = settings;
        this.log = log;
        this.tracker = new BundleTracker<>(context, Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE, null) {
            @Override
            public Bundle addingBundle(Bundle bundle, BundleEvent event) {
                migrate(bundle);
                return null; // nothing to follow
            }
        };
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        tracker.close();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String factory = event.getFactoryPid();
        if (event.getType() == ConfigurationEvent.CM_UPDATED && factory != null
                && !factory.startsWith(PluginSettings.TENANT_FACTORY_PREFIX)) {
            mayExist = true;
        }
    }

    /** The configurations of earlier per-tenant settings (usually none). */
    private List<Configuration> old() {
        if (!mayExist) {
            return List.of();
        }
        Configuration[] found;
        try {
            found = configurations.listConfigurations("(" + PluginSettings.TENANT_PROPERTY + "=*)");
        } catch (IOException | InvalidSyntaxException e) {
            log.warn("Per-tenant plugin settings of an earlier version could not be looked for: {}", e.toString());
            return List.of();
        }
        List<Configuration> old = new ArrayList<>();
        for (Configuration configuration : found == null ? new Configuration[0] : found) {
            String factory = configuration.getFactoryPid();
            if (factory != null && !factory.startsWith(PluginSettings.TENANT_FACTORY_PREFIX)) {
                old.add(configuration);
            }
        }
        if (old.isEmpty()) {
            mayExist = false; // an update since sets it again
        }
        return old;
    }

    private void migrate(Bundle plugin) {
        ObjectClassDefinition schema = settings.schemaOf(plugin);
        String designated = schema == null ? null : settings.configurationPid(schema);
        List<Configuration> old = new ArrayList<>(old());
        // those of the designated PID first: they were in force; one under the schema's id for the same tenant reached
        // nothing, and is moved only where the tenant has none yet (a review found the order was the listing's)
        old.sort(java.util.Comparator.comparing(configuration -> !String.valueOf(configuration.getFactoryPid())
                .equals(designated)));
        for (Configuration configuration : old) {
            if (!plugin.getLocation().equals(configuration.getBundleLocation())) {
                continue;
            }
            try {
                move(plugin, configuration);
            } catch (IOException | RuntimeException e) {
                log.warn("Per-tenant settings {} of an earlier version could not be moved ({}); set them again with "
                        + "plugin:config", configuration.getPid(), e.toString());
            }
        }
    }

    private void move(Bundle plugin, Configuration configuration) throws IOException {
        String factory = configuration.getFactoryPid();
        Dictionary<String, Object> properties = configuration.getProperties();
        Object tenant = properties == null ? null : properties.get(PluginSettings.TENANT_PROPERTY);
        ObjectClassDefinition schema = settings.schemaOf(plugin);
        if (!(tenant instanceof String name) || schema == null
                || !(factory.equals(schema.getID()) || factory.equals(settings.configurationPid(schema)))) {
            return; // not one of this plugin's per-tenant settings
        }
        String target = settings.tenantFactoryPid(schema);
        Configuration moved = configurations.getFactoryConfiguration(target, name, plugin.getLocation());
        if (moved.getProperties() == null) {
            Dictionary<String, Object> copy = new Hashtable<>();
            for (String key : Collections.list(properties.keys())) {
                if (!key.startsWith("service.")) {
                    copy.put(key, properties.get(key));
                }
            }
            moved.update(copy);
        }
        String was = configuration.getPid();
        configuration.delete();
        log.info("Plugin {}: its settings for tenant {} moved from Config Admin's {} to {}~{}, where they configure "
                + "no component of their own (the plugin reads them through TenantSettings)", plugin.getSymbolicName(),
                name, was, target, name);
    }
}
