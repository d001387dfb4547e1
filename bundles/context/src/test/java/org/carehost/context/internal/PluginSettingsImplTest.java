package org.carehost.context.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The one check of a plugin's per-tenant setting (the shell's and the admin API's): type, the schema's own check,
 * range; and a change with one invalid value writes nothing (no Config Admin here: a write would fail the test).
 */
class PluginSettingsImplTest {

    private final PluginSettingsImpl settings = new PluginSettingsImpl(null, null, null, null);
    private final ObjectClassDefinition schema = schema(
            attribute("lead", AttributeDefinition.INTEGER, 0), attribute("small", AttributeDefinition.BYTE, 0),
            attribute("on", AttributeDefinition.BOOLEAN, 0), attribute("channel", AttributeDefinition.STRING, 0),
            attribute("hosts", AttributeDefinition.STRING, 5), attribute("subject", AttributeDefinition.STRING, 0));

    @Test
    void eachValueIsCheckedAgainstItsSetting() {
        assertNull(settings.problem(schema, "lead", " 60 "));
        assertEquals("'soon' is not a whole number", settings.problem(schema, "lead", "soon"));
        assertEquals("'1000' is out of range for its type", settings.problem(schema, "small", "1000"));
        assertEquals("'yes' is not true or false", settings.problem(schema, "on", "yes"));
        assertEquals("'fax' is not one of log, sms", settings.problem(schema, "channel", "fax"));
        assertNull(settings.problem(schema, "channel", "sms"));
        assertEquals("not a setting of this plugin (its settings: channel, hosts, lead, on, small, subject)",
                settings.problem(schema, "colour", "red"));
    }

    @Test
    void oneInvalidValueRefusesTheChangeAndNothingIsWritten() throws Exception {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("lead", "60");
        change.put("hosts", List.of("a.example", "b.example"));
        change.put("on", "maybe");
        change.put("colour", "red");
        Map<String, String> problems = settings.write(schema, null, "t1", change);
        assertEquals(List.of("on", "colour"), List.copyOf(problems.keySet()));
        assertEquals("'maybe' is not true or false", problems.get("on"));
    }

    @Test
    void anInterpolationPlaceholderIsRefusedInAnyValue() {
        for (String value : List.of("$[env:CAREHOST_DATA_KEY]", "Dear $[secret:https]", "$[prop:user.home]x")) {
            String problem = settings.problem(schema, "subject", value);
            assertNotNull(problem, value);
            assertTrue(problem.startsWith("'$[type:...]' is not allowed in a plugin setting"), problem);
        }
        assertNull(settings.problem(schema, "subject", "Costs $ [5] and [$]"));
        assertNull(settings.problem(schema, "subject", "$[0].code"), "a JSONPath is the plugin's own text");
        // a list item too, and the write (REST and plugin:config) then stores nothing
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("hosts", List.of("a.example", "$[env:CAREHOST_DB_PASSWORD].example"));
        change.put("subject", "$[env:CAREHOST_DATA_KEY]");
        Map<String, String> problems = assertDoesNotThrow(() -> settings.write(schema, null, "t1", change));
        assertEquals(List.of("hosts", "subject"), List.copyOf(problems.keySet()));
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
                return null;
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

    private static AttributeDefinition attribute(String id, int type, int cardinality) {
        return new AttributeDefinition() {
            @Override
            public String getName() {
                return id;
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
                return id.equals("channel") ? new String[] {"log", "sms"} : null;
            }

            @Override
            public String[] getOptionLabels() {
                return getOptionValues();
            }

            /** As Felix's Metatype does for options: a value not among them is refused. */
            @Override
            public String validate(String value) {
                String[] options = getOptionValues();
                return options == null || List.of(options).contains(value) ? "" : "'" + value + "' is not one of log, sms";
            }

            @Override
            public String[] getDefaultValue() {
                return null;
            }
        };
    }
}
