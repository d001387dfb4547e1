package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.Stored;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.testkit.Carehost;
import org.carehost.sdk.testkit.CarehostTest;
import org.junit.jupiter.api.Test;

/** The packaged plugin in a real container: the host runs it before it stores a patient. */
@CarehostTest
class ExampleValidatorIT {

    @Test
    void theHostRefusesAPatientWithoutAFamilyName(Carehost carehost, PatientService patients) {
        long before = patients.search(PatientQuery.builder().build()).total();
        ValidationException refused = assertThrows(ValidationException.class,
                () -> patients.create(Patient.builder().addName(HumanName.official(null, "Ada")).build()));
        String plugin = carehost.plugin().getSymbolicName();
        assertTrue(refused.issues().stream().anyMatch(issue -> issue.path().equals("Patient.name")
                && issue.message().startsWith(plugin + ": ")), refused.issues().toString());
        assertEquals(before, patients.search(PatientQuery.builder().build()).total(), "nothing stored");
    }

    @Test
    void aWarningComesBackWithTheStoredPatient(PatientService patients) {
        Stored<Patient> stored = patients.createWithWarnings(Patient.builder()
                .addName(HumanName.official("Lovelace", "Ada")).build());
        assertTrue(stored.warnings().stream().anyMatch(issue -> issue.path().equals("Patient.birthDate")),
                stored.warnings().toString());
        assertEquals("Lovelace", patients.get(stored.resource().id()).names().get(0).family());
    }
}
