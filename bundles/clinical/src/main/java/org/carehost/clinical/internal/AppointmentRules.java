package org.carehost.clinical.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;

/** What the host requires of every appointment it stores; all problems are reported together. */
final class AppointmentRules {

    static final Duration LONGEST = Duration.ofDays(1);

    private AppointmentRules() {
    }

    /** @throws ValidationException listing every problem */
    static void check(Appointment appointment) {
        List<ValidationIssue> issues = new ArrayList<>();
        if (appointment.status() == null) {
            issues.add(ValidationIssue.error("Appointment.status", "is required"));
        }
        if (appointment.start() == null) {
            issues.add(ValidationIssue.error("Appointment.start", "is required"));
        }
        if (appointment.end() == null) {
            issues.add(ValidationIssue.error("Appointment.end", "is required"));
        }
        if (appointment.start() != null && appointment.end() != null) {
            if (!appointment.end().isAfter(appointment.start())) {
                issues.add(ValidationIssue.error("Appointment.end", "must be after the start"));
            } else if (Duration.between(appointment.start(), appointment.end()).compareTo(LONGEST) > 0) {
                issues.add(ValidationIssue.error("Appointment.end", "an appointment lasts at most one day"));
            }
        }
        long patients = appointment.participants().stream().filter(p -> p.patientId() != null).count();
        if (patients != 1) {
            issues.add(ValidationIssue.error("Appointment.participant",
                    "exactly one participant must be a patient (Patient/<id>), found " + patients));
        }
        for (int i = 0; i < appointment.participants().size(); i++) {
            Participant participant = appointment.participants().get(i);
            String path = "Appointment.participant[" + i + "]";
            if (Checks.blank(participant.actor())) {
                issues.add(ValidationIssue.error(path + ".actor", "is required"));
            }
            Checks.text(issues, path + ".actor", participant.actor(), 200);
            Checks.text(issues, path + ".display", participant.display(), 200);
            Checks.text(issues, path + ".status", participant.status(), 20);
        }
        Checks.text(issues, "Appointment.reasonCode[0].text", appointment.reason(), 1000);
        Checks.text(issues, "Appointment.cancelationReason.text", appointment.cancelationReason(), 1000);
        Checks.size(issues, "Appointment", FhirJson.write(appointment));
        if (!issues.isEmpty()) {
            throw new ValidationException("Appointment", issues);
        }
    }

    /** The appointment moved to start at {@code newStart}, keeping its length. */
    static Appointment movedTo(Appointment current, java.time.Instant newStart) {
        if (newStart == null) {
            throw new ValidationException("Appointment", List.of(ValidationIssue.error("Appointment.start", "is required")));
        }
        return current.toBuilder().start(newStart).end(newStart.plus(current.duration().orElseThrow())).build();
    }
}
