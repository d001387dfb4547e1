package org.carehost.context;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * How the text of a plugin's setting becomes its value, by the Metatype type of the setting: the one conversion that
 * {@link PluginSettings} stores and the admin API shows (defaults and options in the JSON Schema).
 *
 * @since 1.1
 */
public final class SettingValues {

    private SettingValues() {
    }

    /** The JSON type a Metatype type is shown as: integer, number, boolean or string. */
    public static String jsonType(int type) {
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

    /**
     * The text as a value of the type (Integer, Long, Short, Byte, Double, Float, Boolean; else the text itself).
     *
     * @throws NumberFormatException when the text is no number of the type, or out of its range
     */
    public static Object convert(int type, String value) {
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
}
