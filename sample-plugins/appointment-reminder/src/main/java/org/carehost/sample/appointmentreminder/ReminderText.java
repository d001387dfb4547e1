package org.carehost.sample.appointmentreminder;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.plugin.Notification;

/**
 * The reminder message. Minimal PHI on purpose: a reminder may land on a shared phone or a lock screen,
 * so it says when, and not with whom, where or why (no practitioner, location or reason).
 */
final class ReminderText {

    static final String SUBJECT = "Appointment reminder";
    // UTC because the host does not know the patient's time zone; a real channel would localise.
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ReminderText() {
    }

    static String body(Instant start) {
        return "You have an appointment on " + WHEN.format(start);
    }

    /** The reminder for the appointment's patient; empty when it has no patient or no start. */
    static Optional<Notification> forAppointment(Appointment appointment) {
        if (appointment.start() == null) {
            return Optional.empty();
        }
        // A patient reference, not a phone number or address: finding how to reach them is the notifier's job,
        // so this plugin never needs read:patients.
        return appointment.patientId()
                .map(patientId -> new Notification("Patient/" + patientId, SUBJECT, body(appointment.start())));
    }
}
