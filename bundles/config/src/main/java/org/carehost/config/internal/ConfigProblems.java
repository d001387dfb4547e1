package org.carehost.config.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.List;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * What is wrong with a configuration against its Metatype schema, in plain words, each problem naming its setting, the
 * value, the schema's own complaint, what the setting takes and its description (which states the range).
 */
final class ConfigProblems {

    private ConfigProblems() {
    }

    /** Every problem of the configuration, in plain words, each naming its attribute. */
    static List<String> check(ObjectClassDefinition schema, String schemaPid, Dictionary<String, Object> properties) {
        List<String> problems = new ArrayList<>();
        for (AttributeDefinition attribute : attributes(schema)) {
            problems.addAll(problemsOf(attribute, properties.get(attribute.getID())));
        }
        if (ConfigGuard.PRESENCE_NOT_REQUIRED.contains(schemaPid)) {
            return problems;
        }
        AttributeDefinition[] required = schema.getAttributeDefinitions(ObjectClassDefinition.REQUIRED);
        for (AttributeDefinition attribute : required == null ? new AttributeDefinition[0] : required) {
            if (properties.get(attribute.getID()) == null && attribute.getDefaultValue() == null) {
                problems.add(attribute.getID() + " is required");
            }
        }
        return problems;
    }

    /**
     * What the setting takes, after the metatype's own words ("invalid value", "less than minimum"), which name neither
     * the kind of value nor the range (tryout 14): its kind, its choices, and its description, which states a range.
     */
    private static String expected(AttributeDefinition attribute, Object value) {
        String kind = switch (attribute.getType()) {
            case AttributeDefinition.INTEGER, AttributeDefinition.LONG, AttributeDefinition.SHORT,
                    AttributeDefinition.BYTE -> "a whole number";
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "a number";
            case AttributeDefinition.BOOLEAN -> "true or false";
            default -> null;
        };
        String[] options = attribute.getOptionValues();
        if (options != null && options.length > 0) {
            kind = "one of " + String.join(", ", options);
        }
        if (options == null || options.length == 0) {
            if (isKind(attribute.getType(), String.valueOf(value).strip())) {
                // the value is of the right kind: out of range, which is said (tryout 16 #13: "greater than maximum"
                // named no maximum)
                kind = WholeNumberRange.of(attribute).orElse(null);
            }
        }
        String description = attribute.getDescription();
        // the description in full (it states the range): cut only if absurdly long, and then at a word
        String said = description == null || description.isBlank() ? "" : " (" + described(description) + ")";
        return kind == null ? said : " (" + attribute.getID() + " takes " + kind + ")" + said;
    }

    /** Whether {@code text} is a value of the numeric {@code type} (other types: false, their kind is always said). */
    private static boolean isKind(int type, String text) {
        try {
            switch (type) {
                case AttributeDefinition.INTEGER, AttributeDefinition.LONG, AttributeDefinition.SHORT,
                        AttributeDefinition.BYTE -> Long.parseLong(text);
                case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> Double.parseDouble(text);
                default -> {
                    return false;
                }
            }
            return true;
        } catch (NumberFormatException notOfTheKind) {
            return false;
        }
    }

    private static String described(String description) {
        String text = description.strip().replaceAll("\\p{Cntrl}", "?");
        if (text.length() <= 300) {
            return text;
        }
        int space = text.lastIndexOf(' ', 300);
        return text.substring(0, space > 200 ? space : 300) + "…";
    }

    static List<String> problemsOf(AttributeDefinition attribute, Object value) {
        List<String> problems = new ArrayList<>();
        if (value == null) {
            return problems;
        }
        List<Object> values = elements(value);
        if (attribute.getCardinality() == 0 && values.size() > 1) {
            problems.add(attribute.getID() + " takes one value, not " + values.size());
        } else if (attribute.getCardinality() != 0 && values.size() > Math.abs(attribute.getCardinality())) {
            problems.add(attribute.getID() + " takes at most " + Math.abs(attribute.getCardinality()) + " values");
        }
        for (Object element : values) {
            String error = attribute.validate(String.valueOf(element));
            if (error != null && !error.isEmpty()) {
                problems.add(attribute.getID() + " = '" + printable(element) + "': " + error + expected(attribute, element));
            }
        }
        return problems;
    }

    static List<AttributeDefinition> attributes(ObjectClassDefinition schema) {
        AttributeDefinition[] all = schema.getAttributeDefinitions(ObjectClassDefinition.ALL);
        return all == null ? List.of() : List.of(all);
    }

    private static List<Object> elements(Object value) {
        List<Object> elements = new ArrayList<>();
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                elements.add(Array.get(value, i));
            }
        } else if (value instanceof Collection<?> collection) {
            elements.addAll(collection);
        } else {
            elements.add(value);
        }
        return elements;
    }

    private static String printable(Object value) {
        String text = String.valueOf(value);
        return (text.length() > 60 ? text.substring(0, 60) + "…" : text).replaceAll("\\p{Cntrl}", "?");
    }
}
