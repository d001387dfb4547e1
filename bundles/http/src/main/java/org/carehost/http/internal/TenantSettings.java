package org.carehost.http.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A plugin's settings for one hospital over HTTP: its Metatype schema as JSON Schema (2020-12) so that a form can be
 * drawn from it, the values in force, and a change checked field by field against the schema (every problem is
 * reported with its field; one invalid value refuses them all and nothing is written). Stored as the shell's
 * {@code plugin:config} stores them: the factory configuration {@code <pid>~<tenant>} bound to the plugin's location,
 * with {@code carehost.tenant}, so Declarative Services gives the plugin one component per hospital.
 * <p>
 * Written here rather than shared with the shell's command because the API needs the problems per field and the
 * schema as JSON; both read the same stored configuration. The standard Metatype API does not expose an attribute's
 * min and max, so the JSON Schema cannot carry them; {@link AttributeDefinition#validate} still enforces them.
 */
final class TenantSettings {

    static final String TENANT_PROPERTY = "carehost.tenant";

    private final MetaTypeService metatype;
    private final ConfigurationAdmin configurations;

    TenantSettings(MetaTypeService metatype, ConfigurationAdmin configurations) {
        this.metatype = metatype;
        this.configurations = configurations;
    }

    /** The plugin's one configuration schema, or null when it has none. */
    ObjectClassDefinition schemaOf(Bundle bundle) {
        MetaTypeInformation information = metatype.getMetaTypeInformation(bundle);
        if (information == null) {
            return null;
        }
        List<String> pids = new ArrayList<>(Arrays.asList(information.getPids()));
        pids.addAll(Arrays.asList(information.getFactoryPids()));
        if (pids.size() != 1) {
            return null;
        }
        ObjectClassDefinition schema = information.getObjectClassDefinition(pids.get(0), null);
        if (schema == null || (schema.getID().startsWith("org.carehost.") && !schema.getID().startsWith(bundle.getSymbolicName()))) {
            return null; // a plugin may not name the container's own configurations
        }
        return schema;
    }

    /** The schema as JSON Schema: one property per attribute, with its title, description, type, default and options. */
    static Map<String, Object> jsonSchema(ObjectClassDefinition schema) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (AttributeDefinition attribute : attributes(schema, ObjectClassDefinition.ALL)) {
            Map<String, Object> property = new LinkedHashMap<>();
            property.put("title", attribute.getName() == null ? attribute.getID() : attribute.getName());
            if (attribute.getDescription() != null) {
                property.put("description", attribute.getDescription());
            }
            String type = jsonType(attribute.getType());
            String[] defaults = attribute.getDefaultValue();
            if (attribute.getCardinality() != 0) {
                property.put("type", "array");
                property.put("items", Map.of("type", type));
                if (defaults != null) {
                    property.put("default", Arrays.stream(defaults).map(value -> typed(attribute.getType(), value)).toList());
                }
            } else {
                property.put("type", type);
                if (defaults != null && defaults.length > 0 && attribute.getType() != AttributeDefinition.PASSWORD) {
                    property.put("default", typed(attribute.getType(), defaults[0]));
                }
            }
            if (attribute.getType() == AttributeDefinition.PASSWORD) {
                property.put("format", "password");
                property.put("writeOnly", true);
            }
            if (attribute.getOptionValues() != null && attribute.getOptionValues().length > 0) {
                List<Map<String, Object>> options = new ArrayList<>();
                String[] labels = attribute.getOptionLabels();
                for (int i = 0; i < attribute.getOptionValues().length; i++) {
                    options.add(Map.of("const", typed(attribute.getType(), attribute.getOptionValues()[i]),
                            "title", labels != null && i < labels.length ? labels[i] : attribute.getOptionValues()[i]));
                }
                property.put("oneOf", options);
            }
            properties.put(attribute.getID(), property);
        }
        for (AttributeDefinition attribute : attributes(schema, ObjectClassDefinition.REQUIRED)) {
            if (attribute.getDefaultValue() == null) {
                required.add(attribute.getID());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        out.put("$id", "urn:carehost:settings:" + schema.getID());
        out.put("title", schema.getName() == null ? schema.getID() : schema.getName());
        if (schema.getDescription() != null) {
            out.put("description", schema.getDescription());
        }
        out.put("type", "object");
        out.put("properties", properties);
        out.put("required", required);
        out.put("additionalProperties", false);
        return out;
    }

    /** The values stored for {@code tenant} (passwords left out), empty when none are. */
    Map<String, Object> values(ObjectClassDefinition schema, Bundle bundle, String tenant) throws IOException {
        Map<String, Object> stored = stored(schema, bundle, tenant);
        Map<String, Object> out = new TreeMap<>();
        for (AttributeDefinition attribute : attributes(schema, ObjectClassDefinition.ALL)) {
            Object value = stored.get(attribute.getID());
            if (value != null && attribute.getType() != AttributeDefinition.PASSWORD) {
                out.put(attribute.getID(), value.getClass().isArray() ? Arrays.asList((Object[]) value) : value);
            }
        }
        return out;
    }

    /**
     * Checks every value in {@code changes} (a JSON object) and, when all are valid, writes them over the stored ones.
     *
     * @return the field errors (pointer, field, detail); empty when the change was written
     */
    List<Map<String, String>> change(ObjectClassDefinition schema, Bundle bundle, String tenant, JsonNode changes)
            throws IOException {
        Map<String, AttributeDefinition> known = new TreeMap<>();
        for (AttributeDefinition attribute : attributes(schema, ObjectClassDefinition.ALL)) {
            known.put(attribute.getID(), attribute);
        }
        List<Map<String, String>> errors = new ArrayList<>();
        Map<String, Object> typed = new LinkedHashMap<>();
        changes.fields().forEachRemaining(entry -> {
            String key = entry.getKey();
            AttributeDefinition attribute = known.get(key);
            if (attribute == null) {
                errors.add(error(key, "not a setting of this plugin (its settings: " + String.join(", ", known.keySet()) + ")"));
                return;
            }
            JsonNode node = entry.getValue();
            if (attribute.getCardinality() != 0) {
                if (!node.isArray()) {
                    errors.add(error(key, "a list of values is expected"));
                    return;
                }
                List<Object> values = new ArrayList<>();
                for (JsonNode item : node) {
                    String problem = check(attribute, item);
                    if (problem != null) {
                        errors.add(error(key, problem));
                        return;
                    }
                    values.add(convert(attribute.getType(), item.asText()));
                }
                typed.put(key, array(values));
                return;
            }
            String problem = check(attribute, node);
            if (problem != null) {
                errors.add(error(key, problem));
            } else {
                typed.put(key, convert(attribute.getType(), node.asText()));
            }
        });
        if (!errors.isEmpty() || typed.isEmpty()) {
            return errors;
        }
        Configuration configuration = configurations.getFactoryConfiguration(schema.getID(), tenant, bundle.getLocation());
        Dictionary<String, Object> updated = new Hashtable<>();
        stored(schema, bundle, tenant).forEach(updated::put);
        typed.forEach(updated::put);
        updated.put(TENANT_PROPERTY, tenant);
        configuration.update(updated);
        return errors;
    }

    private Map<String, Object> stored(ObjectClassDefinition schema, Bundle bundle, String tenant) throws IOException {
        Configuration[] found;
        try {
            found = configurations.listConfigurations("(service.pid=" + escape(schema.getID() + "~" + tenant) + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("Not a valid plugin or tenant name", e);
        }
        Map<String, Object> out = new TreeMap<>();
        if (found != null && found.length == 1 && found[0].getProperties() != null
                && bundle.getLocation().equals(found[0].getBundleLocation())) {
            Dictionary<String, Object> properties = found[0].getProperties();
            for (String key : Collections.list(properties.keys())) {
                if (!key.startsWith("service.") && !key.equals(TENANT_PROPERTY)) {
                    out.put(key, properties.get(key));
                }
            }
        }
        return out;
    }

    /** What is wrong with one JSON value for the attribute, or null when it is fine. */
    private static String check(AttributeDefinition attribute, JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return "a single " + jsonType(attribute.getType()) + " is expected";
        }
        String text = node.asText();
        String type = jsonType(attribute.getType());
        if (type.equals("integer") && !(node.isIntegralNumber() || text.strip().matches("-?\\d{1,19}"))) {
            return "'" + text + "' is not a whole number";
        }
        if (type.equals("number") && !(node.isNumber() || text.strip().matches("-?\\d+(\\.\\d+)?([eE]-?\\d+)?"))) {
            return "'" + text + "' is not a number";
        }
        if (type.equals("boolean") && !text.strip().equalsIgnoreCase("true") && !text.strip().equalsIgnoreCase("false")) {
            return "'" + text + "' is not true or false";
        }
        String problem = attribute.validate(text);
        if (problem != null && !problem.isEmpty()) {
            return problem;
        }
        try {
            convert(attribute.getType(), text);
        } catch (NumberFormatException e) {
            return "'" + text + "' is out of range for its type";
        }
        return null;
    }

    private static Map<String, String> error(String field, String detail) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("pointer", "#/" + field.replace("~", "~0").replace("/", "~1"));
        error.put("field", field);
        error.put("detail", detail);
        return error;
    }

    private static List<AttributeDefinition> attributes(ObjectClassDefinition schema, int filter) {
        AttributeDefinition[] attributes = schema.getAttributeDefinitions(filter);
        return attributes == null ? List.of() : Arrays.asList(attributes);
    }

    private static String jsonType(int type) {
        switch (type) {
            case AttributeDefinition.INTEGER:
            case AttributeDefinition.LONG:
            case AttributeDefinition.SHORT:
            case AttributeDefinition.BYTE:
                return "integer";
            case AttributeDefinition.DOUBLE:
            case AttributeDefinition.FLOAT:
                return "number";
            case AttributeDefinition.BOOLEAN:
                return "boolean";
            default:
                return "string";
        }
    }

    private static Object typed(int type, String value) {
        try {
            return convert(type, value);
        } catch (RuntimeException e) {
            return value;
        }
    }

    private static Object convert(int type, String value) {
        switch (type) {
            case AttributeDefinition.INTEGER:
                return Integer.valueOf(value.strip());
            case AttributeDefinition.LONG:
                return Long.valueOf(value.strip());
            case AttributeDefinition.SHORT:
                return Short.valueOf(value.strip());
            case AttributeDefinition.BYTE:
                return Byte.valueOf(value.strip());
            case AttributeDefinition.DOUBLE:
                return Double.valueOf(value.strip());
            case AttributeDefinition.FLOAT:
                return Float.valueOf(value.strip());
            case AttributeDefinition.BOOLEAN:
                return Boolean.valueOf(value.strip());
            default:
                return value;
        }
    }

    /** A list of converted values as the array Config Admin stores (all of one wrapper type). */
    private static Object array(List<Object> values) {
        if (values.isEmpty()) {
            return new String[0];
        }
        Object array = java.lang.reflect.Array.newInstance(values.get(0).getClass(), values.size());
        for (int i = 0; i < values.size(); i++) {
            java.lang.reflect.Array.set(array, i, values.get(i));
        }
        return array;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\5c").replace("*", "\\2a").replace("(", "\\28").replace(")", "\\29");
    }
}
