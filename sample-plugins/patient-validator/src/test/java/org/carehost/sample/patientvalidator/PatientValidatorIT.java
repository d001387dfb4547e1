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
import org.carehost.sdk.testkit.Imported;
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

    /**
     * The import path (what {@code patient:import} runs) goes through the validator too: of a batch Bundle, the good
     * patient is stored and the one without a birth date is refused, naming this plugin; in a transaction Bundle the
     * bad one keeps the good one from being stored as well.
     */
    @Test
    void importsAreValidatedEntryByEntryOrAllOrNothing(Carehost carehost, PatientService patients) {
        String good = patientJson("Importa", "1970-01-02", "IMP-1");
        String bad = patientJson("Nobirth", null, "IMP-2");
        List<Imported> batch = carehost.importResources("batch.json", bundleJson("batch", good, bad));
        assertEquals(2, batch.size(), batch.toString());
        assertEquals("CREATED", batch.get(0).status(), batch.toString());
        assertEquals("Importa", patients.get(batch.get(0).id()).names().get(0).family());
        assertEquals("FAILED", batch.get(1).status(), batch.toString());
        assertTrue(batch.get(1).message().contains("org.carehost.sample.patientvalidator: ")
                && batch.get(1).message().contains("Patient.birthDate"), batch.get(1).message());

        long before = patients.search(PatientQuery.builder().build()).total();
        List<Imported> transaction = carehost.importResources("transaction.json",
                bundleJson("transaction", patientJson("Transacta", "1980-03-04", "IMP-3"), bad));
        assertTrue(transaction.stream().noneMatch(Imported::stored), transaction.toString());
        assertEquals(before, patients.search(PatientQuery.builder().build()).total(), "nothing of it stored");
    }

    private static String patientJson(String family, String birthDate, String mrn) {
        return "{\"resourceType\":\"Patient\",\"name\":[{\"use\":\"official\",\"family\":\"" + family
                + "\",\"given\":[\"Test\"]}]," + (birthDate == null ? "" : "\"birthDate\":\"" + birthDate + "\",")
                + "\"identifier\":[{\"system\":\"urn:oid:1.2.3\",\"value\":\"" + mrn + "\",\"type\":{\"coding\":"
                + "[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]}}]}";
    }

    private static String bundleJson(String type, String... resources) {
        StringBuilder json = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[");
        for (int i = 0; i < resources.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"resource\":").append(resources[i]).append('}');
        }
        return json.append("]}").toString();
    }
}
