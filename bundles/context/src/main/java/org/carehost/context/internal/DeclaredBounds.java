package org.carehost.context.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;

import org.apache.felix.metatype.AD;
import org.apache.felix.metatype.MetaData;
import org.apache.felix.metatype.MetaDataReader;
import org.apache.felix.metatype.OCD;
import org.osgi.framework.Bundle;

/**
 * The {@code min} and {@code max} of each attribute a plugin's Metatype XML ({@code OSGI-INF/metatype/*.xml})
 * declares, by schema id and attribute id, read with Felix Metatype's own exported reader: the standard Metatype API
 * enforces them in {@code validate} but does not expose them, and a form needs them. Each plugin's files are read once
 * per revision (its last-modified time changes with an update), not at every look; the cache holds a plugin's bundle
 * weakly, so an uninstalled and refreshed plugin's entry goes with it. A file that does not parse gives no bounds (the
 * values stay enforced by {@code validate}) and is reported once per revision to the given reporter.
 */
final class DeclaredBounds {

    private record Read(long lastModified, Map<String, Map<String, String[]>> byOcd) {
    }

    private final Map<Bundle, Read> read = Collections.synchronizedMap(new WeakHashMap<>());
    private final BiConsumer<Bundle, String> unreadable;

    /** {@code unreadable} is told of each file that does not parse: the plugin and why. */
    DeclaredBounds(BiConsumer<Bundle, String> unreadable) {
        this.unreadable = unreadable;
    }

    /** Bounds of the schema {@code ocdId} of the plugin: attribute id to {min, max} (either may be null). */
    Map<String, String[]> of(Bundle plugin, String ocdId) {
        long lastModified = plugin.getLastModified();
        Read known = read.get(plugin);
        if (known == null || known.lastModified() != lastModified) {
            known = new Read(lastModified, parse(plugin));
            read.put(plugin, known);
        }
        return known.byOcd().getOrDefault(ocdId, Map.of());
    }

    /** How many plugins' definitions are held (for tests). */
    int cached() {
        return read.size();
    }

    private Map<String, Map<String, String[]>> parse(Bundle plugin) {
        Map<String, Map<String, String[]>> byOcd = new HashMap<>();
        Enumeration<URL> entries = plugin.findEntries("OSGI-INF/metatype", "*.xml", false);
        for (URL entry : entries == null ? Collections.<URL>emptyList() : Collections.list(entries)) {
            MetaData data;
            try (InputStream in = entry.openStream()) {
                data = new MetaDataReader().parse(in);
            } catch (IOException | RuntimeException e) {
                unreadable.accept(plugin, entry.getPath() + ": " + e.getMessage());
                continue;
            }
            if (data == null || data.getObjectClassDefinitions() == null) {
                continue;
            }
            for (Object value : data.getObjectClassDefinitions().values()) {
                if (value instanceof OCD definition && definition.getAttributeDefinitions() != null) {
                    Map<String, String[]> bounds = byOcd.computeIfAbsent(definition.getID(), id -> new HashMap<>());
                    for (Object ad : definition.getAttributeDefinitions().values()) {
                        if (ad instanceof AD attribute && (attribute.getMin() != null || attribute.getMax() != null)) {
                            bounds.put(attribute.getID(), new String[] {attribute.getMin(), attribute.getMax()});
                        }
                    }
                }
            }
        }
        return byOcd;
    }
}
