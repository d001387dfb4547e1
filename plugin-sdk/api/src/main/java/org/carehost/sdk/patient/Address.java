package org.carehost.sdk.patient;

import java.util.List;

/** A postal address (FHIR {@code Address}). */
public record Address(List<String> line, String city, String state, String postalCode, String country) {

    public Address {
        line = line == null ? List.of() : List.copyOf(line);
    }
}
