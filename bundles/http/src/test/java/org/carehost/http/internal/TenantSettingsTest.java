package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/** The Metatype schema as JSON Schema: types, defaults, options, passwords write-only, required without a default. */
class TenantSettingsTest {

    @Test
    void eachAttributeBecomesATypedProperty() {
        ObjectClassDefinition schema = schema(
                attribute("lead", "Lead time", AttributeDefinition.INTEGER, 0, new String[] {"1440"}, null),
                attribute("channel", "Channel", AttributeDefinition.STRING, 0, new String[] {"log"},
                        new String[] {"log", "sms"}),
                attribute("on", "On", AttributeDefinition.BOOLEAN, 0, new String[] {"true"}, null),
                attribute("secret", "Secret", AttributeDefinition.PASSWORD, 0, new String[] {"hunter2"}, null),
                attribute("hosts", "Hosts", AttributeDefinition.STRING, 5, new String[] {"a", "b"}, null),
                attribute("url", "URL", AttributeDefinition.STRING, 0, null, null));
        Map<String, Object> json = TenantSettings.jsonSchema(schema);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) json.get("properties");
        assertEquals("object", json.get("type"));
        assertEquals(false, json.get("additionalProperties"));
        assertEquals("integer", properties.get("lead").get("type"));
        assertEquals(1440, properties.get("lead").get("default"));
        assertEquals("Lead time", properties.get("lead").get("title"));
        assertEquals(List.of(Map.of("const", "log", "title", "log"), Map.of("const", "sms", "title", "sms")),
                properties.get("channel").get("oneOf"));
        assertEquals(true, properties.get("on").get("default"));
        assertEquals("password", properties.get("secret").get("format"));
        assertEquals(true, properties.get("secret").get("writeOnly"));
        assertNull(properties.get("secret").get("default"), "a password's default is never shown");
        assertEquals("array", properties.get("hosts").get("type"));
        assertEquals(List.of("a", "b"), properties.get("hosts").get("default"));
        assertEquals(List.of("url"), json.get("required"), "required: the required ones without a default");
        assertFalse(properties.containsKey("service.pid"));
        assertTrue(json.get("$schema").toString().contains("2020-12"));
    }

    private static ObjectClassDefinition schema(AttributeDefinition... attributes) {
        return new ObjectClassDefinition() {
            @Override
            public String getName() {
                return "Test settings";
            }

            @Override
            public String getID() {
                return "org.example.test";
            }

            @Override
            public String getDescription() {
                return "for the test";
            }

            @Override
            public AttributeDefinition[] getAttributeDefinitions(int filter) {
                return filter == OPTIONAL ? new AttributeDefinition[0] : attributes;
            }

            @Override
            public InputStream getIcon(int size) {
                return null;
            }
        };
    }

    private static AttributeDefinition attribute(String id, String name, int type, int cardinality, String[] defaults,
            String[] options) {
        return new AttributeDefinition() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public String getID() {
                return id;
            }

            @Override
            public String getDescription() {
                return null;
            }

            @Override
            public int getCardinality() {
                return cardinality;
            }

            @Override
            public int getType() {
                return type;
            }

            @Override
            public String[] getOptionValues() {
                return options;
            }

            @Override
            public String[] getOptionLabels() {
                return options;
            }

            @Override
            public String validate(String value) {
                return null;
            }

            @Override
            public String[] getDefaultValue() {
                return defaults;
            }
        };
    }
}
