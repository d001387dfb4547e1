package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.junit.jupiter.api.Test;

/** The transformer on its own, without a container. */
class ExampleTransformerTest {

    @Test
    void normalisesTheMedicalRecordNumberAndLeavesTheInputAlone() {
        Patient input = Patient.builder().addName(HumanName.official("Lovelace", "Ada"))
                .addIdentifier(Identifier.mrn("urn:oid:1.2.3", " ab-12 34")).build();
        Patient output = new ExampleTransformer().transform(input);
        assertEquals("AB1234", output.identifiers().get(0).value());
        assertEquals("urn:oid:1.2.3", output.identifiers().get(0).system());
        assertEquals(" ab-12 34", input.identifiers().get(0).value());
    }
}
