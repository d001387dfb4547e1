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
 * factory configuration {@code <pid>~<tenant>} of the plugin's one Metatype schema, bound to the plugin's location
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
