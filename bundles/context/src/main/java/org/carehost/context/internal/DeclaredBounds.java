package org.carehost.context.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;

import org.apache.felix.metatype.AD;
import org.apache.felix.metatype.MetaData;
import org.apache.felix.metatype.MetaDataReader;
import org.apache.felix.metatype.OCD;
import org.osgi.framework.Bundle;

/**
 * The {@code min} and {@code max} of each attribute a plugin's Metatype XML ({@code OSGI-INF/metatype/*.xml})
 * declares, by schema id and attribute id, read with Felix Metatype's own exported reader: the standard Metatype API
 * enforces them in {@code validate} but does not expose them, and a form needs them. A definition that does not parse
 * gives no bounds (the Metatype service reports it in its own way); the values stay enforced by {@code validate}.
 */
final class DeclaredBounds {

    private DeclaredBounds() {
    }

    /** Bounds of the schema {@code ocdId} of the plugin: attribute id to {min, max} (either may be null). */
    static Map<String, String[]> of(Bundle plugin, String ocdId) {
        Map<String, String[]> bounds = new HashMap<>();
        Enumeration<URL> entries = plugin.findEntries("OSGI-INF/metatype", "*.xml", false);
        for (URL entry : entries == null ? Collections.<URL>emptyList() : Collections.list(entries)) {
            MetaData data;
            try (InputStream in = entry.openStream()) {
                data = new MetaDataReader().parse(in);
            } catch (IOException | RuntimeException unreadable) {
                continue;
            }
            Object ocd = data == null || data.getObjectClassDefinitions() == null ? null
                    : data.getObjectClassDefinitions().get(ocdId);
            if (ocd instanceof OCD definition && definition.getAttributeDefinitions() != null) {
                for (Object value : definition.getAttributeDefinitions().values()) {
                    if (value instanceof AD attribute && (attribute.getMin() != null || attribute.getMax() != null)) {
                        bounds.put(attribute.getID(), new String[] {attribute.getMin(), attribute.getMax()});
                    }
                }
            }
        }
        return bounds;
    }
}
