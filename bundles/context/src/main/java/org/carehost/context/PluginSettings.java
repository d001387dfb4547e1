package org.carehost.context;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * A plugin's settings for one hospital, the one place they are checked and written (the shell's {@code plugin:config}
 * and the admin API's {@code /tenants/<id>/plugins/<plugin>/settings} are thin callers). They are stored as the
 * factory configuration {@code <factory pid>~<tenant>} of {@link #tenantFactoryPid} (the plugin's one Metatype
 * schema's designated PID, {@link #configurationPid}, under the container's prefix), bound to the plugin's location,
 * with {@value #TENANT_PROPERTY}. No component is configured by them: Declarative Services keeps the plugin's one
 * component, configured for every tenant ({@link #forEveryTenant}), and the plugin reads a tenant's values through the
 * SDK's {@code org.carehost.sdk.settings.TenantSettings} where the host calls it for that tenant. (Stored as
 * {@code <pid>~<tenant>}, as before 2.2, they made Declarative Services run one component per configured tenant and
 * none for the others, with nothing routing a tenant's events to its component.)
 *
 * @since 1.1
 */
@ProviderType
public interface PluginSettings {

    /** The property naming the tenant in each of these configurations. */
    String TENANT_PROPERTY = "carehost.tenant";

    /** What {@link #tenantFactoryPid} puts before the designated PID. */
    String TENANT_FACTORY_PREFIX = "org.carehost.tenant-settings.";

    /**
     * The factory PID of the schema's per-tenant settings: {@value #TENANT_FACTORY_PREFIX} and {@link
     * #configurationPid}; a tenant's are the configuration {@code <this>~<tenant>}.
     *
     * @since 2.2
     */
    default String tenantFactoryPid(ObjectClassDefinition schema) {
        return TENANT_FACTORY_PREFIX + configurationPid(schema);
    }

    /** The configuration schemas (PIDs, then factory PIDs) the plugin's Metatype declares; empty when it has none. */
    List<String> schemaPids(Bundle plugin);

    /**
     * The plugin's one schema: null when it has none or several, or when it names a configuration of the container's
     * ({@code org.carehost.*} other than the plugin's own names), which a plugin may not.
     */
    ObjectClassDefinition schemaOf(Bundle plugin);

    /**
     * The values stored for the tenant (without {@code service.*} and {@value #TENANT_PROPERTY}), from the
     * configuration bound to the plugin's location only; empty when there are none.
     *
     * @throws IllegalArgumentException when the schema's id or the tenant makes no valid filter
     */
    Map<String, Object> stored(ObjectClassDefinition schema, Bundle plugin, String tenant) throws IOException;

    /**
     * The configuration PID {@link #schemaOf}'s schema is designated for: its component's, under which Declarative
     * Services looks for its configurations (the schema's own id may differ: an OCD {@code ReminderConfig} designated
     * for the component {@code AppointmentReminder}). The settings for every tenant are {@code <pid>}, an operator's
     * {@code etc/<pid>.cfg}; per-tenant ones are {@link #tenantFactoryPid}'s.
     *
     * @since 2.1
     */
    default String configurationPid(ObjectClassDefinition schema) {
        return schema.getID();
    }

    /**
     * The plugin's settings for every tenant: the configuration of the designated PID itself (an operator's
     * {@code etc/<pid>.cfg}, Config Admin's PID {@code <pid>}), without {@code service.*} and the deploy watcher's own
     * keys (empty when it holds no setting); null when there is no such configuration for this plugin. A tenant's own
     * values ({@link #stored}) go over these for that tenant.
     *
     * @since 2.1
     */
    default Map<String, Object> forEveryTenant(ObjectClassDefinition schema, Bundle plugin) throws IOException {
        return null;
    }

    /**
     * What is wrong with one value, as text, for the setting {@code key}, or null when it is a valid value (of the
     * setting's type, within its range, one of its options).
     */
    String problem(ObjectClassDefinition schema, String key, String value);

    /**
     * Checks every value (a string, or a list of strings for a setting that takes several) and, when all are valid,
     * writes them, converted to the settings' types, over the values stored for the tenant. One invalid value refuses
     * them all: nothing is written, and the settings in force stay.
     *
     * @return the problem of each invalid value by key (see {@link #problem}); empty when the values were written
     */
    Map<String, String> write(ObjectClassDefinition schema, Bundle plugin, String tenant, Map<String, ?> values)
            throws IOException;
}
