package org.carehost.sdk.patient;

import java.util.Locale;

/** Administrative gender (FHIR {@code administrative-gender}). */
public enum Gender {
    MALE, FEMALE, OTHER, UNKNOWN;

    private final String code = name().toLowerCase(Locale.ROOT);

    /** The FHIR code: {@code male}, {@code female}, {@code other}, {@code unknown}. */
    public String code() {
        return code;
    }

    /** The gender for a FHIR code, or null when the code is not one. */
    public static Gender ofCode(String code) {
        for (Gender gender : values()) {
            if (gender.code().equals(code)) {
                return gender;
            }
        }
        return null;
    }
}
