package org.carehost.http.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.carehost.context.PluginSettings;
import org.carehost.context.SettingBounds;
import org.carehost.context.SettingValues;
import org.osgi.framework.Bundle;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A plugin's settings for one hospital over HTTP: its Metatype schema as JSON Schema (2020-12) so that a form can be
 * drawn from it, the values in force, and a change checked field by field (every problem is reported with its field;
 * one invalid value refuses them all and nothing is written). The checking and the writing are {@link PluginSettings}'s,
 * which the shell's {@code plugin:config} calls too; this class adds what is HTTP's: the JSON Schema, the shape of the
 * JSON values (a single value, or a list for a setting that takes several) and the problems as field errors. A
 * setting's declared bounds ({@link SettingBounds}) become {@code minimum}/{@code maximum} for a number and
 * {@code minLength}/{@code maxLength} for a text.
 */
final class TenantSettings {

    private final PluginSettings settings;

    TenantSettings(PluginSettings settings) {
        this.settings = settings;
    }

    /** The plugin's one configuration schema, or null when it has none. */
    ObjectClassDefinition schemaOf(Bundle bundle) {
        return settings.schemaOf(bundle);
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
            String type = SettingValues.jsonType(attribute.getType());
            String[] defaults = attribute.getDefaultValue();
            if (attribute.getCardinality() != 0) {
                Map<String, Object> items = new LinkedHashMap<>();
                items.put("type", type);
                bounds(attribute, type, items);
                property.put("type", "array");
                property.put("items", items);
                if (defaults != null) {
                    property.put("default", Arrays.stream(defaults).map(value -> typed(attribute.getType(), value)).toList());
                }
            } else {
                property.put("type", type);
                bounds(attribute, type, property);
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

    /** The declared bounds of a setting as JSON Schema keywords, numbers as numbers; a bound that is none is left out. */
    private static void bounds(AttributeDefinition attribute, String type, Map<String, Object> into) {
        if (!(attribute instanceof SettingBounds bounds)) {
            return;
        }
        boolean text = type.equals("string");
        if (!text && !type.equals("integer") && !type.equals("number")) {
            return;
        }
        bound(bounds.getMin(), text ? "minLength" : "minimum", type, into);
        bound(bounds.getMax(), text ? "maxLength" : "maximum", type, into);
    }

    private static void bound(String value, String keyword, String type, Map<String, Object> into) {
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            java.math.BigDecimal number = new java.math.BigDecimal(value.strip());
            into.put(keyword, type.equals("number") ? number : number.toBigIntegerExact());
        } catch (NumberFormatException | ArithmeticException notANumber) {
            // not a bound a form can use; the value is still checked against it when written
        }
    }

    /** The values stored for {@code tenant} (passwords left out), empty when none are. */
    Map<String, Object> values(ObjectClassDefinition schema, Bundle bundle, String tenant) throws IOException {
        Map<String, Object> stored = settings.stored(schema, bundle, tenant);
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
        Map<String, Object> values = new LinkedHashMap<>();
        changes.fields().forEachRemaining(entry -> {
            String key = entry.getKey();
            AttributeDefinition attribute = known.get(key);
            if (attribute == null) {
                errors.add(error(key, settings.problem(schema, key, null)));
                return;
            }
            JsonNode node = entry.getValue();
            if (attribute.getCardinality() != 0) {
                if (!node.isArray()) {
                    errors.add(error(key, "a list of values is expected"));
                    return;
                }
                List<String> texts = new ArrayList<>();
                for (JsonNode item : node) {
                    String problem = check(schema, attribute, item);
                    if (problem != null) {
                        errors.add(error(key, problem));
                        return;
                    }
                    texts.add(item.asText());
                }
                values.put(key, texts);
                return;
            }
            String problem = check(schema, attribute, node);
            if (problem != null) {
                errors.add(error(key, problem));
            } else {
                values.put(key, node.asText());
            }
        });
        if (!errors.isEmpty() || values.isEmpty()) {
            return errors;
        }
        settings.write(schema, bundle, tenant, values).forEach((key, problem) -> errors.add(error(key, problem)));
        return errors;
    }

    /** What is wrong with one JSON value for the attribute, or null when it is fine. */
    private String check(ObjectClassDefinition schema, AttributeDefinition attribute, JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return "a single " + SettingValues.jsonType(attribute.getType()) + " is expected";
        }
        return settings.problem(schema, attribute.getID(), node.asText());
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

    /** A default or option as its JSON value (the text, when it is not one of its type). */
    private static Object typed(int type, String value) {
        try {
            return SettingValues.convert(type, value);
        } catch (RuntimeException e) {
            return value;
        }
    }
}
