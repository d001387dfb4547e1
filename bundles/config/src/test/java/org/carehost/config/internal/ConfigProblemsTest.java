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
        assertEquals(List.of("leadTimeMinutes = '99999999': greater than maximum (" + DESCRIPTION + ")"),
                ConfigProblems.problemsOf(minutes(), "99999999"));
    }

    @Test
    void aValueOfTheWrongKindIsToldWhatTheSettingTakes() {
        assertEquals(List.of("leadTimeMinutes = 'ten': invalid value (leadTimeMinutes takes a whole number) ("
                + DESCRIPTION + ")"), ConfigProblems.problemsOf(minutes(), "ten"));
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
                    return Integer.parseInt(value) > 20160 ? "greater than maximum" : "";
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
