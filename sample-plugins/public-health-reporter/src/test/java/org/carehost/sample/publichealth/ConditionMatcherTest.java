package org.carehost.sample.publichealth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConditionMatcherTest {

    private final ConditionMatcher matcher = new ConditionMatcher("measles", "tuberculosis", "pertussis", "hepatitis a");

    @ParameterizedTest
    @ValueSource(strings = {"Measles", "suspected MEASLES, rash", "rule out measles.", "(measles)", "measles-like rash"})
    void matchesWholeWordInAnyCase(String reason) {
        assertEquals(List.of("measles"), matcher.matches(reason));
    }

    @ParameterizedTest
    @ValueSource(strings = {"measlesvax follow-up", "antimeasles titre", "tuberculosisX", "hepatitis and flu",
            "hepatitis B", "hepatitis ab", "routine check-up"})
    void ignoresPartsOfWordsAndOtherConditions(String reason) {
        assertEquals(List.of(), matcher.matches(reason));
    }

    @Test
    void multiWordConditionsAllowAnySpacing() {
        assertEquals(List.of("hepatitis a"), matcher.matches("Hepatitis A exposure"));
        assertEquals(List.of("hepatitis a"), matcher.matches("hepatitis\t  a"));
        assertEquals(List.of("hepatitis a"), matcher.matches("Dx: hepatitis a."));
    }

    @Test
    void reportsEveryConditionInConfiguredOrder() {
        assertEquals(List.of("tuberculosis", "pertussis"),
                matcher.matches("pertussis contact; history of tuberculosis; pertussis again"));
    }

    @Test
    void noTextNoMatch() {
        assertEquals(List.of(), matcher.matches(null));
        assertEquals(List.of(), matcher.matches("  "));
    }

    @Test
    void blankOrDuplicateConfigurationEntriesAreIgnored() {
        ConditionMatcher odd = new ConditionMatcher("", "  ", null, " Measles ", "measles", "Hepatitis   A");
        assertEquals(List.of("measles", "hepatitis a"), odd.matches("measles and hepatitis a"));
        assertEquals(List.of(), odd.matches("anything at all"));
    }

    @Test
    void regexCharactersInConditionsAreLiteral() {
        ConditionMatcher special = new ConditionMatcher("covid-19", "a.b");
        assertEquals(List.of("covid-19"), special.matches("COVID-19 test"));
        assertEquals(List.of(), special.matches("axb"));
    }
}
