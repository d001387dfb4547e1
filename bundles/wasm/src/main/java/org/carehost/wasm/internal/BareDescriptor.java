package org.carehost.wasm.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.carehost.security.Permission;
import org.osgi.framework.Version;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The checks on a bare module's {@code name.json} before {@link BareWasmTransformer} writes its values into a
 * manifest: no control character anywhere (a line break would start a header of the descriptor's own, such as
 * {@code Fragment-Host}), a {@code "version"} that is an OSGi version, and {@code "permissions"} a list of permission
 * names ({@link Permission}). Each refusal names the file, the key and what is expected.
 */
final class BareDescriptor {

    /** The descriptor's values that go into the Carehost-Wasm header. */
    static final List<String> HEADER_ATTRIBUTES = List.of("kind", "resource", "channel", Limits.MEMORY_PAGES,
            Limits.DEADLINE_MS, Limits.INSTANCES, Limits.MAX_INPUT, Limits.MAX_OUTPUT, Limits.FAILURES,
            "allowed-hosts");

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]");

    private final String file;
    private final JsonNode descriptor;

    BareDescriptor(String file, JsonNode descriptor) {
        this.file = file;
        this.descriptor = descriptor;
        noControlCharacters("", descriptor);
        for (String attribute : HEADER_ATTRIBUTES) {
            headerValue(attribute);
        }
    }

    /**
     * A value the Carehost-Wasm header carries as a quoted attribute, or null when the descriptor has none. A quote or
     * a backslash in it is refused: it would end or escape the quoted value, and what follows be read as attributes of
     * their own (red team: a backslash was passed through).
     */
    String headerValue(String attribute) {
        JsonNode value = descriptor.get(attribute);
        if (value == null || value.isNull()) {
            return null;
        }
        String text = value.asText();
        if (text.indexOf('"') >= 0 || text.indexOf('\\') >= 0) {
            throw refused("\"" + attribute + "\" holds a quote or a backslash, which no value of it needs");
        }
        return text;
    }

    /** The version, as OSGi writes it (0.0.0 when none is given). */
    Version version() {
        JsonNode value = descriptor.get("version");
        if (value == null || value.isNull()) {
            return Version.emptyVersion;
        }
        try {
            return Version.parseVersion(value.asText());
        } catch (IllegalArgumentException e) {
            throw refused("\"version\" is not a version (" + e.getMessage() + "): write major.minor.micro, e.g. "
                    + "\"1.0.0\"");
        }
    }

    /** The permission names, each one Carehost knows. */
    List<String> permissions() {
        JsonNode list = descriptor.get("permissions");
        List<String> permissions = new ArrayList<>();
        if (list == null || list.isNull()) {
            return permissions;
        }
        if (!list.isArray()) {
            throw refused("\"permissions\" must be a list of permission names, e.g. [\"read:patients\"]");
        }
        for (JsonNode item : list) {
            String name = item.asText();
            if (!item.isTextual() || Permission.named(name).isEmpty()) {
                throw refused("\"" + name + "\" is not a permission (valid: " + Permission.validNames() + ")");
            }
            permissions.add(name);
        }
        return permissions;
    }

    private void noControlCharacters(String path, JsonNode node) {
        if (node.isTextual() && CONTROL.matcher(node.asText()).find()) {
            throw refused("\"" + path + "\" holds a control character (a line break, tab, ...): write it on one line");
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                noControlCharacters(path, item);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (CONTROL.matcher(field.getKey()).find()) {
                throw refused("a key holds a control character (near \"" + path + "\"): write it on one line");
            }
            noControlCharacters(key, field.getValue());
        }
    }

    private IllegalArgumentException refused(String why) {
        return new IllegalArgumentException(file + ": " + why + "; nothing was installed");
    }
}
