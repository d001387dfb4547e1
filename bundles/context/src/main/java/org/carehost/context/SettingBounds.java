package org.carehost.context;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * A setting's bounds as its Metatype definition declares them (the {@code min} and {@code max} of its {@code AD}
 * element), which the standard {@link AttributeDefinition} does not expose: for a number its least and greatest value,
 * for a text its least and greatest length. The attributes of a schema from {@link PluginSettings#schemaOf} implement
 * it, so that a form (the admin API's JSON Schema) can show the bounds that {@link PluginSettings#problem} enforces.
 *
 * @since 1.3
 */
@ProviderType
public interface SettingBounds extends AttributeDefinition {

    /** The declared minimum as written in the definition, or null when there is none. */
    String getMin();

    /** The declared maximum as written in the definition, or null when there is none. */
    String getMax();
}
