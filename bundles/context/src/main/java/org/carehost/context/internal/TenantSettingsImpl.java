package org.carehost.context.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

import org.carehost.context.ContextBinder;
import org.carehost.context.PluginSettings;
import org.carehost.sdk.settings.TenantSettings;
import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * {@link TenantSettings} as each plugin sees it (bundle scope): the values {@link PluginSettings} stored for the
 * tenant of the plugin's effective care context ({@link ContextBinder#effective}, as every host service decides the
 * tenant), read at each call, so that a value an operator sets applies from the next call on.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class TenantSettingsImpl implements TenantSettings {

    private final PluginSettings settings;
    private final ContextBinder binder;
    private final Bundle plugin;
    private final String name;

    @Activate
    public TenantSettingsImpl(ComponentContext context, @Reference PluginSettings settings,
            @Reference ContextBinder binder) {
        this.plugin = context.getUsingBundle();
        this.name = String.valueOf(plugin.getSymbolicName());
        this.settings = settings;
        this.binder = binder;
    }

    @Override
    public Map<String, Object> forCurrentTenant() {
        String tenant = binder.effective(name).tenant();
        ObjectClassDefinition schema = settings.schemaOf(plugin);
        if (schema == null) {
            return Map.of(); // no schema (or several): there are no per-tenant settings to have
        }
        try {
            return new TreeMap<>(settings.stored(schema, plugin, tenant));
        } catch (IOException e) {
            throw new UncheckedIOException("the settings of " + name + " for tenant " + tenant + " could not be read "
                    + "from Config Admin: " + e.getMessage(), e);
        }
    }
}
