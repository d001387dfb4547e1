package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;

import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.resource.Severity;
import org.carehost.sdk.resource.ValidationIssue;
import org.junit.jupiter.api.Test;

/** The validator on its own, without a container. */
class ExampleValidatorTest {

    private final ExampleValidator validator = new ExampleValidator();

    @Test
    void aPatientWithAFamilyNameAndBirthDatePasses() {
        Patient patient = Patient.builder().addName(HumanName.official("Lovelace", "Ada"))
                .birthDate(LocalDate.of(1815, 12, 10)).build();
        assertEquals(List.of(), validator.validate(patient));
    }

    @Test
    void noFamilyNameIsAnErrorAndNoBirthDateAWarning() {
        List<ValidationIssue> issues = validator.validate(Patient.builder()
                .addName(HumanName.official(null, "Ada")).build());
        assertTrue(issues.stream().anyMatch(i -> i.severity() == Severity.ERROR && i.path().equals("Patient.name")),
                issues.toString());
        assertTrue(issues.stream().anyMatch(i -> i.severity() == Severity.WARNING
                && i.path().equals("Patient.birthDate")), issues.toString());
    }
}
