package org.carehost.sdk.appointment;

/**
 * Who takes part in an appointment (FHIR {@code Appointment.participant}).
 *
 * @param actor a reference such as {@code Patient/123} or {@code Practitioner/dr-lee}
 * @param display a display name; may be null
 * @param status {@code accepted}, {@code declined}, {@code tentative}, {@code needs-action}
 */
public record Participant(String actor, String display, String status) {

    public static Participant patient(String patientId) {
        return new Participant("Patient/" + patientId, null, "accepted");
    }

    /** The patient id when the actor is a patient, else null. */
    public String patientId() {
        return actor != null && actor.startsWith("Patient/") ? actor.substring("Patient/".length()) : null;
    }
}
