package org.carehost.config.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Set;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The keys of a configuration that its schema does not name: an operator's misspelt setting ({@code prot=8102} in
 * {@code etc/org.carehost.ssh.cfg}) otherwise passes without a word, and the default stays in force. Only named: the
 * key is still delivered (a plugin may read its configuration's keys by name). Not counted: the
 * keys Config Admin and the deploy watcher set, and what Declarative Services reads from any configuration besides the
 * schema's settings (a reference's {@code <name>.target} filter, {@code component.*} properties).
 */
final class UnknownKeys {

    private UnknownKeys() {
    }

    static List<String> of(ObjectClassDefinition schema, Dictionary<String, Object> properties, Set<String> framework) {
        AttributeDefinition[] all = schema.getAttributeDefinitions(ObjectClassDefinition.ALL);
        List<String> known = new ArrayList<>();
        for (AttributeDefinition attribute : all == null ? new AttributeDefinition[0] : all) {
            known.add(attribute.getID());
        }
        List<String> unknown = new ArrayList<>();
        if (known.isEmpty()) {
            return unknown; // a schema that names no setting says nothing about keys
        }
        for (String key : Collections.list(properties.keys())) {
            if (!known.contains(key) && !framework.contains(key) && !key.endsWith(".target")
                    && !key.startsWith("component.") && !key.startsWith("service.")) {
                unknown.add(key);
            }
        }
        Collections.sort(unknown);
        return unknown;
    }

    /** The one line that names them, the settings there are, and the file to correct. */
    static String sentence(String pid, List<String> unknown, ObjectClassDefinition schema, Object file) {
        AttributeDefinition[] all = schema.getAttributeDefinitions(ObjectClassDefinition.ALL);
        List<String> settings = new ArrayList<>();
        for (AttributeDefinition attribute : all == null ? new AttributeDefinition[0] : all) {
            settings.add(attribute.getID());
        }
        Collections.sort(settings);
        String where = file == null ? "its configuration" : fileOf(String.valueOf(file));
        return "Configuration " + pid + ": " + (unknown.size() == 1 ? "'" + unknown.get(0) + "' is not one of its "
                + "settings" : "'" + String.join("', '", unknown) + "' are not among its settings")
                + " (its settings: " + String.join(", ", settings) + "), so it sets nothing the schema describes; "
                + "check the name in " + where;
    }

    /** The deploy watcher's {@code file:} URI of the configuration's file, as a path. */
    private static String fileOf(String uri) {
        try {
            return java.nio.file.Path.of(java.net.URI.create(uri)).toString();
        } catch (RuntimeException notAFileUri) {
            return uri;
        }
    }
}
