package org.carehost.sample.patientvalidator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.plugin.Validator;
import org.carehost.sdk.resource.Severity;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.sdk.testkit.Carehost;
import org.carehost.sdk.testkit.CarehostTest;
import org.junit.jupiter.api.Test;

/** The packaged plugin in a container: its Validator service judges what the host stores. */
@CarehostTest
class PatientValidatorIT {

    @Test
    @SuppressWarnings("unchecked")
    void storedPatientsPassAndABadOneDoesNot(Carehost carehost, PatientService patients) {
        Validator<Patient> validator = carehost.service(Validator.class);
        for (Patient stored : patients.search(PatientQuery.builder().build()).items()) {
            List<ValidationIssue> issues = validator.validate(stored);
            assertTrue(issues.stream().noneMatch(i -> i.severity() == Severity.ERROR), stored.id() + ": " + issues);
        }
        List<ValidationIssue> issues = validator.validate(Patient.builder()
                .addName(new HumanName("official", null, List.of("Only")))
                .build());
        assertTrue(issues.stream().anyMatch(i -> i.path().startsWith("Patient.name[0]")), issues.toString());
        assertTrue(issues.stream().anyMatch(i -> i.path().startsWith("Patient.birthDate")), issues.toString());
    }

    /** The host runs the validator before it stores: a patient without a birth date or MRN is never stored. */
    @Test
    void theHostRejectsABadCreateThroughPatientService(PatientService patients) {
        Patient bad = Patient.builder().addName(HumanName.official("Nobirth", "Ned")).build();
        long before = patients.search(PatientQuery.builder().build()).total();
        ValidationException rejected = assertThrows(ValidationException.class, () -> patients.create(bad));
        assertTrue(rejected.issues().stream().anyMatch(issue -> issue.path().equals("Patient.birthDate")
                && issue.message().startsWith("org.carehost.sample.patientvalidator: ")), rejected.issues().toString());
        assertEquals(before, patients.search(PatientQuery.builder().build()).total(), "nothing stored");
    }
}
