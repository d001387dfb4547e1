package org.carehost.context.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.carehost.context.SettingBounds;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/** A plugin's schema as the Metatype service gives it, whose attributes also tell their declared bounds. */
final class BoundedSchema implements ObjectClassDefinition {

    private final ObjectClassDefinition schema;
    private final Map<String, String[]> bounds;
    /** The configuration PID the plugin's Metatype designates this schema for: its component's. */
    private final String pid;

    BoundedSchema(ObjectClassDefinition schema, Map<String, String[]> bounds, String pid) {
        this.schema = schema;
        this.bounds = Map.copyOf(bounds);
        this.pid = pid;
    }

    /** The configuration PID the schema is designated for (not its own id, which may differ). */
    String pid() {
        return pid;
    }

    @Override
    public String getName() {
        return schema.getName();
    }

    @Override
    public String getID() {
        return schema.getID();
    }

    @Override
    public String getDescription() {
        return schema.getDescription();
    }

    @Override
    public AttributeDefinition[] getAttributeDefinitions(int filter) {
        AttributeDefinition[] attributes = schema.getAttributeDefinitions(filter);
        if (attributes == null) {
            return null;
        }
        AttributeDefinition[] out = new AttributeDefinition[attributes.length];
        for (int i = 0; i < attributes.length; i++) {
            String[] range = bounds.getOrDefault(attributes[i].getID(), new String[2]);
            out[i] = new Bounded(attributes[i], range[0], range[1]);
        }
        return out;
    }

    @Override
    public InputStream getIcon(int size) throws IOException {
        return schema.getIcon(size);
    }

    /** One attribute with its bounds; everything else is the Metatype service's. */
    private record Bounded(AttributeDefinition attribute, String min, String max) implements SettingBounds {

        @Override
        public String getMin() {
            return min;
        }

        @Override
        public String getMax() {
            return max;
        }

        @Override
        public String getName() {
            return attribute.getName();
        }

        @Override
        public String getID() {
            return attribute.getID();
        }

        @Override
        public String getDescription() {
            return attribute.getDescription();
        }

        @Override
        public int getCardinality() {
            return attribute.getCardinality();
        }

        @Override
        public int getType() {
            return attribute.getType();
        }

        @Override
        public String[] getOptionValues() {
            return attribute.getOptionValues();
        }

        @Override
        public String[] getOptionLabels() {
            return attribute.getOptionLabels();
        }

        @Override
        public String validate(String value) {
            return attribute.validate(value);
        }

        @Override
        public String[] getDefaultValue() {
            return attribute.getDefaultValue();
        }
    }
}
