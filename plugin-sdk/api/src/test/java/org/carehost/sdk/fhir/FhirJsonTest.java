package org.carehost.sdk.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentStatus;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.patient.Address;
import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.Gender;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class FhirJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Patient fullPatient() {
        return Patient.builder().id("p-1").versionId(3).lastUpdated(Instant.parse("2030-01-02T03:04:05.678Z"))
                .addIdentifier(Identifier.mrn("urn:hospital", "MRN-7"))
                .addIdentifier(new Identifier("urn:ssn", "123", null))
                .addName(HumanName.official("Smith", "Ann", "Marie"))
                .addTelecom(new ContactPoint("phone", "+1 555 0100", "home"))
                .gender(Gender.FEMALE).birthDate(LocalDate.of(1970, 5, 6))
                .addAddress(new Address(List.of("1 Main St", "Apt 2"), "Springfield", "IL", "62701", "US"))
                .build();
    }

    @Test
    void aPatientSurvivesWritingAndReadingBack() {
        Patient patient = fullPatient();
        assertEquals(patient, FhirJson.readPatient(FhirJson.write(patient)));
    }

    @Test
    void aPatientIsWrittenInFhirShape() throws Exception {
        JsonNode json = JSON.readTree(FhirJson.write(fullPatient()));
        assertEquals("Patient", json.path("resourceType").asText());
        assertEquals("p-1", json.path("id").asText());
        assertEquals("3", json.path("meta").path("versionId").asText(), "FHIR's versionId is a string");
        assertEquals("2030-01-02T03:04:05.678Z", json.path("meta").path("lastUpdated").asText());
        JsonNode mrn = json.path("identifier").path(0);
        assertEquals("http://terminology.hl7.org/CodeSystem/v2-0203", mrn.path("type").path("coding").path(0).path("system").asText());
        assertEquals("MR", mrn.path("type").path("coding").path(0).path("code").asText());
        assertTrue(json.path("identifier").path(1).path("type").isMissingNode(), "no type where the identifier has none");
        assertEquals("female", json.path("gender").asText());
        assertEquals("1970-05-06", json.path("birthDate").asText());
        assertEquals("Marie", json.path("name").path(0).path("given").path(1).asText());
    }

    /** writeBytes is valid UTF-8 JSON, characters outside ASCII and escapes included: it reads back to the patient. */
    @Test
    void aPatientsBytesAreItsTextInUtf8() throws Exception {
        Patient patient = Patient.builder().id("p-ü").addName(HumanName.official("Åström", "Zoë", "\u6f22"))
                .addAddress(new Address(List.of("Straße 1 \"quoted\" \\ back"), "Köln", null, null, "DE")).build();
        byte[] bytes = FhirJson.writeBytes(patient);
        assertEquals("Åström", JSON.readTree(bytes).path("name").path(0).path("family").asText());
        assertEquals(patient, FhirJson.readPatient(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void aBarePatientHasNoEmptyElements() throws Exception {
        JsonNode json = JSON.readTree(FhirJson.write(Patient.builder().addName(HumanName.official("Doe")).build()));
        assertTrue(json.path("meta").isMissingNode() && json.path("id").isMissingNode()
                && json.path("identifier").isMissingNode() && json.path("telecom").isMissingNode()
                && json.path("address").isMissingNode() && json.path("gender").isMissingNode(), json.toString());
        assertTrue(json.path("name").path(0).path("given").isMissingNode(), json.toString());
    }

    @Test
    void everyProblemOfADocumentIsReportedAtOnceWithItsPath() {
        ValidationException refused = assertThrows(ValidationException.class, () -> FhirJson.readPatient(
                "{\"resourceType\":\"Patient\",\"gender\":\"robot\",\"birthDate\":\"1970-13-40\","
                        + "\"meta\":{\"versionId\":\"x\",\"lastUpdated\":\"yesterday\"}}"));
        List<String> paths = refused.issues().stream().map(ValidationIssue::path).sorted().toList();
        assertEquals(List.of("Patient.birthDate", "Patient.gender", "Patient.meta.lastUpdated", "Patient.meta.versionId"),
                paths);
    }

    @Test
    void notJsonOrAnotherResourceIsRefusedWithAClearProblem() {
        ValidationException notJson = assertThrows(ValidationException.class, () -> FhirJson.readPatient("{oops"));
        assertTrue(notJson.issues().get(0).message().startsWith("not valid JSON"), notJson.issues().toString());
        ValidationException other = assertThrows(ValidationException.class,
                () -> FhirJson.readPatient("{\"resourceType\":\"Appointment\"}"));
        assertEquals("Patient.resourceType", other.issues().get(0).path());
        assertThrows(ValidationException.class, () -> FhirJson.readPatient(" "));
        assertThrows(ValidationException.class, () -> FhirJson.readPatient("[1, 2]"));
    }

    @Test
    void elementsTheModelDoesNotCarryAreIgnored() {
        Patient read = FhirJson.readPatient("{\"resourceType\":\"Patient\",\"active\":true,\"photo\":[{}],"
                + "\"name\":[{\"family\":\"Doe\",\"given\":[\"Jo\"]}]}");
        assertEquals(List.of(new HumanName(null, "Doe", List.of("Jo"))), read.names());
    }

    @Test
    void anAppointmentSurvivesWritingAndReadingBack() {
        Appointment appointment = Appointment.builder().id("a-1").versionId(2)
                .lastUpdated(Instant.parse("2030-01-01T00:00:00Z")).status(AppointmentStatus.CANCELLED)
                .start(Instant.parse("2030-02-01T09:00:00Z")).end(Instant.parse("2030-02-01T09:30:00Z"))
                .reason("check-up").cancelationReason("patient ill")
                .addParticipant(Participant.patient("p-1")).build();
        assertEquals(appointment, FhirJson.readAppointment(FhirJson.write(appointment)));
    }

    /** The appointment's bytes, written without a tree, have FHIR R4's element names and shapes. */
    @Test
    void anAppointmentsBytesAreFhirShaped() throws Exception {
        Appointment appointment = Appointment.builder().id("a-ü").versionId(3).status(AppointmentStatus.BOOKED)
                .reason("Kontrolle \"Knie\"").cancelationReason("none").start(Instant.parse("2030-02-01T09:00:00Z"))
                .addParticipant(Participant.patient("p-1")).build();
        JsonNode json = JSON.readTree(FhirJson.writeBytes(appointment));
        assertEquals("Appointment", json.path("resourceType").asText());
        assertEquals("3", json.path("meta").path("versionId").asText());
        assertTrue(json.path("meta").path("versionId").isTextual(), "FHIR's versionId is a string");
        assertEquals("booked", json.path("status").asText());
        assertEquals("Kontrolle \"Knie\"", json.path("reasonCode").path(0).path("text").asText());
        assertEquals("none", json.path("cancelationReason").path("text").asText());
        assertEquals("Patient/p-1", json.path("participant").path(0).path("actor").path("reference").asText());
        assertTrue(json.path("end").isMissingNode(), json.toString());
        assertEquals(FhirJson.write(appointment), new String(FhirJson.writeBytes(appointment),
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(appointment, FhirJson.readAppointment(FhirJson.write(appointment)));
    }

    @Test
    void anAppointmentWithABadStatusAndStartNamesBoth() {
        ValidationException refused = assertThrows(ValidationException.class, () -> FhirJson.readAppointment(
                "{\"resourceType\":\"Appointment\",\"status\":\"maybe\",\"start\":\"soon\"}"));
        assertEquals(List.of("Appointment.start", "Appointment.status"),
                refused.issues().stream().map(ValidationIssue::path).sorted().toList());
    }
}
