package org.carehost.sdk.settings;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The calling plugin's settings for one hospital (tenant), as an operator keeps them: {@code plugin:config <plugin>
 * --tenant <id> key=value…} or the admin API's {@code /tenants/<id>/plugins/<plugin>/settings}, each value checked
 * against the plugin's Metatype schema when it is written.
 *
 * <p>A plugin's component is configured once, for every tenant: its Metatype defaults, and {@code etc/<pid>.cfg} over
 * them. A tenant's settings are the keys an operator set for that tenant only; a key not set there takes the
 * component's value. Declarative Services gives the plugin one component, whatever the number of tenants: read the
 * tenant's settings where the host calls the plugin for a tenant (an event, a scheduled job, a validator's call), not
 * when the component activates. No permission is needed: a plugin reads only its own settings.
 *
 * <pre>{@code
 * Object lead = settings.forCurrentTenant().getOrDefault("leadTimeMinutes", config.leadTimeMinutes());
 * }</pre>
 */
@ProviderType
public interface TenantSettings {

    /**
     * The settings stored for the tenant of the care context this thread runs in (the one the host binds around its
     * calls into the plugin; a plugin acting on its own is in the default tenant, as for every host service), by key,
     * typed as the schema declares them (an {@code Integer}, a {@code String}, an array for a setting that takes
     * several). Only the keys set for that tenant; empty when none are, or when the plugin has no schema. The map is
     * a copy: changing it changes nothing.
     *
     * @throws org.carehost.sdk.security.PermissionDeniedException when no care context is bound and the container
     *         requires one
     */
    Map<String, Object> forCurrentTenant();
}
