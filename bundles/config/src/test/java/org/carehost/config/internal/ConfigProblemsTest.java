package org.carehost.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

/** The words of a rejected setting (tryout 16 #13). */
class ConfigProblemsTest {

    private static final String DESCRIPTION = "How long before the appointment the reminder is sent: 1 minute to 14 days "
            + "(20160 minutes)";

    @Test
    void aNumberOutOfRangeIsNotToldItMustBeANumberAndGetsTheWholeDescription() {
        assertEquals(List.of("leadTimeMinutes = '99999999': greater than maximum (leadTimeMinutes takes 1 to 20160) ("
                + DESCRIPTION + ")"), ConfigProblems.problemsOf(minutes(), "99999999"));
        assertEquals(List.of("leadTimeMinutes = '0': less than minimum (leadTimeMinutes takes 1 to 20160) ("
                + DESCRIPTION + ")"), ConfigProblems.problemsOf(minutes(), "0"));
    }

    @Test
    void aValueOfTheWrongKindIsToldWhatTheSettingTakes() {
        assertEquals(List.of("leadTimeMinutes = 'ten': invalid value (leadTimeMinutes takes a whole number) ("
                + DESCRIPTION + ")"), ConfigProblems.problemsOf(minutes(), "ten"));
    }

    @Test
    void aBoundOnOneSideOnlyIsSaidAlone() {
        assertEquals(java.util.Optional.of("at least 1"), WholeNumberRange.of(new Bounded(1, Long.MAX_VALUE)));
        assertEquals(java.util.Optional.of("at most -3"), WholeNumberRange.of(new Bounded(Long.MIN_VALUE, -3)));
        assertEquals(java.util.Optional.of("-5 to 7"), WholeNumberRange.of(new Bounded(-5, 7)));
    }

    /** A LONG setting taking {@code least} to {@code most}, default the nearest of them to 0. */
    private record Bounded(long least, long most) implements AttributeDefinition {
        public String getName() { return "n"; }
        public String getID() { return "n"; }
        public String getDescription() { return null; }
        public int getCardinality() { return 0; }
        public int getType() { return AttributeDefinition.LONG; }
        public String[] getOptionValues() { return null; }
        public String[] getOptionLabels() { return null; }
        public String[] getDefaultValue() { return new String[] {String.valueOf(Math.max(least, Math.min(most, 0)))}; }
        public String validate(String value) {
            long n = Long.parseLong(value);
            return n < least ? "less than minimum" : n > most ? "greater than maximum" : "";
        }
    }

    private static AttributeDefinition minutes() {
        return new AttributeDefinition() {
            @Override
            public String getName() {
                return "Lead time";
            }

            @Override
            public String getID() {
                return "leadTimeMinutes";
            }

            @Override
            public String getDescription() {
                return DESCRIPTION;
            }

            @Override
            public int getCardinality() {
                return 0;
            }

            @Override
            public int getType() {
                return AttributeDefinition.INTEGER;
            }

            @Override
            public String[] getOptionValues() {
                return null;
            }

            @Override
            public String[] getOptionLabels() {
                return null;
            }

            @Override
            public String validate(String value) {
                try {
                    int minutes = Integer.parseInt(value);
                    return minutes > 20160 ? "greater than maximum" : minutes < 1 ? "less than minimum" : "";
                } catch (NumberFormatException e) {
                    return "invalid value";
                }
            }

            @Override
            public String[] getDefaultValue() {
                return new String[] {"1440"};
            }
        };
    }
}
