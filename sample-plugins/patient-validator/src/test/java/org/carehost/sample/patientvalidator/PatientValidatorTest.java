package org.carehost.sample.patientvalidator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.Gender;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.resource.Severity;
import org.carehost.sdk.resource.ValidationIssue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatientValidatorTest {

    // 2026-03-01T12:00Z: today is 2026-03-01 in UTC and already 2026-03-02 in UTC+14.
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private final PatientValidator validator = new PatientValidator(clock);

    private static Patient.Builder valid() {
        return Patient.builder()
                .addName(HumanName.official("Chalmers", "Peter", "James"))
                .birthDate(LocalDate.of(1974, 12, 25))
                .gender(Gender.MALE)
                .addIdentifier(Identifier.mrn("urn:oid:1.2.36.146.595.217.0.1", "12345"))
                .addTelecom(new ContactPoint("phone", "+1 (555) 010-0199", "home"))
                .addTelecom(new ContactPoint("email", "peter.chalmers@example.org", "work"));
    }

    private List<ValidationIssue> validate(Patient patient) {
        return validator.validate(patient);
    }

    private static ValidationIssue only(List<ValidationIssue> issues) {
        assertEquals(1, issues.size(), issues::toString);
        return issues.get(0);
    }

    @Test
    void validPatientHasNoIssues() {
        assertEquals(List.of(), validate(valid().build()));
        assertEquals(Patient.class, validator.resourceType());
    }

    @Test
    void nullPatientIsAnIssueNotAnException() {
        assertEquals("Patient", only(validate(null)).path());
    }

    @Test
    void missingNameIsAnError() {
        ValidationIssue issue = only(validate(valid().names(List.of()).build()));
        assertEquals(Severity.ERROR, issue.severity());
        assertEquals("Patient.name", issue.path());
    }

    @Test
    void nameWithoutFamilyIsAnError() {
        ValidationIssue issue = only(validate(valid().names(List.of(new HumanName("usual", " ", List.of("Jim")))).build()));
        assertEquals("Patient.name[0].family", issue.path());
    }

    @Test
    void aFamilyNameInAnyNameIsEnough() {
        Patient patient = valid().names(List.of(new HumanName("nickname", null, List.of("Jim")),
                HumanName.official("Chalmers", "Peter"))).build();
        assertEquals(List.of(), validate(patient));
    }

    @Test
    void missingBirthDateIsAnError() {
        assertEquals("Patient.birthDate", only(validate(valid().birthDate(null).build())).path());
    }

    @Test
    void birthDateInTheFutureIsAnError() {
        ValidationIssue issue = only(validate(valid().birthDate(LocalDate.of(2026, 3, 3)).build()));
        assertEquals("Patient.birthDate", issue.path());
        assertTrue(issue.message().contains("future"));
    }

    @Test
    void birthDateThatIsAlreadyTodaySomewhereIsAccepted() {
        // 2026-03-02 is tomorrow in UTC but today in Kiribati (UTC+14): a newborn there is valid.
        assertEquals(List.of(), validate(valid().birthDate(LocalDate.of(2026, 3, 2)).build()));
        assertEquals(List.of(), validate(valid().birthDate(LocalDate.of(2026, 3, 1)).build()));
    }

    @Test
    void identifierNeedsSystemAndValue() {
        Patient patient = valid().addIdentifier(new Identifier(null, "", "SS")).build();
        List<ValidationIssue> issues = validate(patient);
        assertEquals(List.of("Patient.identifier[1].system", "Patient.identifier[1].value"),
                issues.stream().map(ValidationIssue::path).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hospital-mrn", "/local/ids", "not a uri"})
    void identifierSystemMustBeAnAbsoluteUri(String system) {
        Patient patient = valid().identifiers(List.of(Identifier.mrn(system, "12345"))).build();
        ValidationIssue issue = only(validate(patient));
        assertEquals("Patient.identifier[0].system", issue.path());
        assertTrue(issue.message().contains("absolute URI"));
    }

    @Test
    void missingMrnIsAnError() {
        Patient patient = valid().identifiers(List.of(new Identifier("http://hl7.org/fhir/sid/us-ssn", "123", "SS")))
                .build();
        ValidationIssue issue = only(validate(patient));
        assertEquals("Patient.identifier", issue.path());
        assertTrue(issue.message().contains("MR"));
    }

    @Test
    void missingGenderIsOnlyAWarning() {
        ValidationIssue issue = only(validate(valid().gender(null).build()));
        assertEquals(Severity.WARNING, issue.severity());
        assertEquals("Patient.gender", issue.path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"peter.example.org", "peter@example", "peter @example.org", "@example.org"})
    void malformedEmailIsAnError(String email) {
        Patient patient = valid().addTelecom(new ContactPoint("email", email, null)).build();
        ValidationIssue issue = only(validate(patient));
        assertEquals("Patient.telecom[2].value", issue.path());
        assertTrue(!issue.message().contains(email), "the message must not repeat the value (PHI)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"555-0199 ext. 4", "call me", "555.010.0199", "+-()"})
    void phoneWithOtherCharactersIsAnError(String phone) {
        Patient patient = valid().addTelecom(new ContactPoint("phone", phone, null)).build();
        assertEquals("Patient.telecom[2].value", only(validate(patient)).path());
    }

    @Test
    void contactPointWithoutValueIsAnError() {
        Patient patient = valid().addTelecom(new ContactPoint("phone", null, null)).build();
        assertEquals("Patient.telecom[2].value", only(validate(patient)).path());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Patient patient = Patient.builder()
                .addIdentifier(new Identifier("mrn", null, null))
                .birthDate(LocalDate.of(2030, 1, 1))
                .addTelecom(new ContactPoint("email", "nope", null))
                .build();
        List<String> paths = validate(patient).stream().map(ValidationIssue::path).toList();
        assertEquals(List.of("Patient.name", "Patient.birthDate", "Patient.identifier[0].system",
                "Patient.identifier[0].value", "Patient.identifier", "Patient.gender", "Patient.telecom[0].value"),
                paths);
    }
}
