package org.carehost.sdk.patient;

import java.util.List;

/**
 * A person's name (FHIR {@code HumanName}).
 *
 * @param use {@code official}, {@code usual}, {@code nickname}…; may be null
 * @param family the family name
 * @param given given names, in order
 */
public record HumanName(String use, String family, List<String> given) {

    public HumanName {
        given = given == null ? List.of() : List.copyOf(given);
    }

    public static HumanName official(String family, String... given) {
        return new HumanName("official", family, List.of(given));
    }

    /** "Given Given Family" */
    public String text() {
        StringBuilder text = new StringBuilder(String.join(" ", given));
        if (family != null) {
            text.append(text.length() == 0 ? "" : " ").append(family);
        }
        return text.toString();
    }
}
