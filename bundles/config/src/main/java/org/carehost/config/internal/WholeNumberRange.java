package org.carehost.config.internal;

import java.util.Optional;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * The range a whole-number setting takes, in words ("1 to 20160", "at most 20160", "at least 1"), for a value out of
 * it. The Metatype API gives a setting's minimum and maximum to no one but its own {@code validate}, whose words
 * ("greater than maximum") name neither: so the bounds are found by asking {@code validate} itself, by bisection from a
 * value it takes (the default, else 0 or 1). Decided from which values it takes, never from its words.
 */
final class WholeNumberRange {

    private WholeNumberRange() {
    }

    static Optional<String> of(AttributeDefinition attribute) {
        long[] type = bounds(attribute.getType());
        if (type == null) {
            return Optional.empty();
        }
        Long valid = null;
        String[] defaults = attribute.getDefaultValue();
        for (String candidate : new String[] {defaults == null || defaults.length == 0 ? null : defaults[0], "0", "1"}) {
            if (candidate != null && valid == null && takes(attribute, candidate.strip())) {
                valid = Long.parseLong(candidate.strip());
            }
        }
        if (valid == null) {
            return Optional.empty();
        }
        long least = takes(attribute, String.valueOf(type[0])) ? type[0] : edge(attribute, valid, type[0]);
        long most = takes(attribute, String.valueOf(type[1])) ? type[1] : edge(attribute, valid, type[1]);
        if (least == type[0] && most == type[1]) {
            return Optional.empty();
        }
        return Optional.of(least == type[0] ? "at most " + most
                : most == type[1] ? "at least " + least : least + " to " + most);
    }

    /** The last value {@code attribute} takes going from {@code valid} (taken) towards {@code refused} (not taken). */
    private static long edge(AttributeDefinition attribute, long valid, long refused) {
        long in = valid;
        long out = refused;
        while (true) {
            long middle = (in & out) + ((in ^ out) >> 1); // the mean, rounded down, without overflow
            if (middle == in || middle == out) {
                return in; // neighbours
            }
            if (takes(attribute, String.valueOf(middle))) {
                in = middle;
            } else {
                out = middle;
            }
        }
    }

    private static boolean takes(AttributeDefinition attribute, String value) {
        try {
            Long.parseLong(value);
        } catch (NumberFormatException notWhole) {
            return false;
        }
        String error = attribute.validate(value);
        return error == null || error.isEmpty();
    }

    private static long[] bounds(int type) {
        return switch (type) {
            case AttributeDefinition.INTEGER -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case AttributeDefinition.LONG -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
            case AttributeDefinition.SHORT -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case AttributeDefinition.BYTE -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            default -> null;
        };
    }
}
