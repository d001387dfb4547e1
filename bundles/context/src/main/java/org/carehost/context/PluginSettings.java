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
 * factory configuration {@code <pid>~<tenant>} of the PID the plugin's one Metatype schema is designated for
 * ({@link #configurationPid}), bound to the plugin's location
 * (no other bundle ever receives them), with {@value #TENANT_PROPERTY}, so Declarative Services gives the plugin one
 * component per hospital that has settings.
 *
 * @since 1.1
 */
@ProviderType
public interface PluginSettings {

    /** The property naming the tenant in each of these configurations. */
    String TENANT_PROPERTY = "carehost.tenant";

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
     * for the component {@code AppointmentReminder}). Per-tenant settings are {@code <pid>~<tenant>}; the settings for
     * every tenant are {@code <pid>}, an operator's {@code etc/<pid>.cfg}.
     *
     * @since 2.1
     */
    default String configurationPid(ObjectClassDefinition schema) {
        return schema.getID();
    }

    /**
     * The plugin's settings for every tenant: the configuration of the designated PID itself (an operator's
     * {@code etc/<pid>.cfg}, Config Admin's PID {@code <pid>}), without {@code service.*} and the deploy watcher's own
     * keys (empty when it holds no setting); null when there is no such configuration for this plugin. Declarative
     * Services takes a component's configuration either for every tenant (this one) or per tenant (the factory
     * configurations {@link #write} makes), never both: while this exists, {@link #write} refuses per-tenant settings,
     * naming it.
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
     * them all: nothing is written, and the settings in force stay. So does a configuration for every tenant
     * ({@link #forEveryTenant}): each value is then refused with the file to change instead.
     *
     * @return the problem of each invalid value by key (see {@link #problem}); empty when the values were written
     */
    Map<String, String> write(ObjectClassDefinition schema, Bundle plugin, String tenant, Map<String, ?> values)
            throws IOException;
}
