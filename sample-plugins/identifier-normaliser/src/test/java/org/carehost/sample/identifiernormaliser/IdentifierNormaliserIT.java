package org.carehost.sample.identifiernormaliser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.testkit.Carehost;
import org.carehost.sdk.testkit.CarehostTest;
import org.carehost.sdk.testkit.Imported;
import org.junit.jupiter.api.Test;

/** The packaged plugin in a container, driven through the host's import path (what {@code patient:import} runs). */
@CarehostTest
class IdentifierNormaliserIT {

    @Test
    void importedIdentifiersAreStoredNormalisedAndTheSameNumberWrittenTwoWaysIsOnePatient(Carehost carehost,
            PatientService patients) {
        List<Imported> first = carehost.importResources("first.json", patientJson("Normalia", " imp-70 01 "));
        assertEquals(1, first.size(), first.toString());
        assertEquals("CREATED", first.get(0).status(), first.toString());
        Patient stored = patients.get(first.get(0).id());
        assertEquals(Identifier.mrn("urn:oid:1.2.3", "IMP7001"), stored.medicalRecordNumber().orElseThrow());

        // The same number as another system writes it: normalised first, so it finds and updates the same patient.
        List<Imported> again = carehost.importResources("again.json", patientJson("Normalia-Renamed", "IMP 7001"));
        assertEquals("UPDATED", again.get(0).status(), again.toString());
        assertEquals(stored.id(), again.get(0).id(), "an update of the stored patient, not a second one");
        assertEquals("Normalia-Renamed", patients.get(stored.id()).names().get(0).family());
    }

    private static String patientJson(String family, String mrn) {
        return "{\"resourceType\":\"Patient\",\"name\":[{\"use\":\"official\",\"family\":\"" + family
                + "\",\"given\":[\"Test\"]}],\"birthDate\":\"1970-01-02\","
                + "\"identifier\":[{\"system\":\"urn:oid:1.2.3\",\"value\":\"" + mrn + "\",\"type\":{\"coding\":"
                + "[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]}}]}";
    }
}
