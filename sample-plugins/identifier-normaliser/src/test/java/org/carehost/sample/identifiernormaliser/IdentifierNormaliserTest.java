package org.carehost.sample.identifiernormaliser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.junit.jupiter.api.Test;

class IdentifierNormaliserTest {

    private final IdentifierNormaliser normaliser = new IdentifierNormaliser();

    @Test
    void medicalRecordNumbersLoseSpacesAndDashesAndOtherValuesAreTrimmed() {
        Patient input = Patient.builder().addName(HumanName.official("Norma", "Liz"))
                .addIdentifier(Identifier.mrn(" urn:oid:1.2.3 ", " mrn-00 42 "))
                .addIdentifier(new Identifier("urn:oid:9.9", "  ab-12 ", null))
                .build();
        Patient output = normaliser.transform(input);
        assertEquals(List.of(Identifier.mrn("urn:oid:1.2.3", "MRN0042"), new Identifier("urn:oid:9.9", "ab-12", null)),
                output.identifiers());
        assertEquals(input.names(), output.names(), "nothing else changes");
    }

    @Test
    void emptyAndRepeatedIdentifiersAreDropped() {
        Patient output = normaliser.transform(Patient.builder()
                .addIdentifier(Identifier.mrn("urn:oid:1.2.3", "mrn 1"))
                .addIdentifier(Identifier.mrn("urn:oid:1.2.3", "MRN-1"))
                .addIdentifier(new Identifier("urn:oid:9.9", "   ", null))
                .build());
        assertEquals(List.of(Identifier.mrn("urn:oid:1.2.3", "MRN1")), output.identifiers());
    }
}
