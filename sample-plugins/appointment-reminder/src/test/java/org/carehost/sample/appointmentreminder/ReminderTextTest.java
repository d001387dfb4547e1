package org.carehost.sample.appointmentreminder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.plugin.Notification;
import org.junit.jupiter.api.Test;

class ReminderTextTest {

    @Test
    void bodyGivesDateAndTimeInUtc() {
        assertEquals("You have an appointment on 2026-03-02 14:30 UTC",
                ReminderText.body(Instant.parse("2026-03-02T14:30:59Z")));
    }

    @Test
    void notificationGoesToThePatientAndCarriesNoOtherPhi() {
        Appointment appointment = Appointment.builder().id("a-1").start(Instant.parse("2026-03-02T09:05:00Z"))
                .addParticipant(new Participant("Practitioner/dr-lee", "Dr. Lee", "accepted"))
                .addParticipant(new Participant("Patient/p-42", "Peter Chalmers", "accepted"))
                .reason("follow-up for tuberculosis").build();
        Notification notification = ReminderText.forAppointment(appointment).orElseThrow();
        assertEquals("Patient/p-42", notification.recipient());
        assertEquals("Appointment reminder", notification.subject());
        assertEquals("You have an appointment on 2026-03-02 09:05 UTC", notification.body());
        String all = notification.subject() + notification.body();
        for (String phi : new String[] {"Lee", "Chalmers", "tuberculosis", "p-42"}) {
            assertTrue(!all.contains(phi), phi);
        }
    }

    @Test
    void noNotificationWithoutPatientOrStart() {
        Instant start = Instant.parse("2026-03-02T09:05:00Z");
        assertEquals(Optional.empty(), ReminderText.forAppointment(Appointment.builder().start(start).build()));
        assertEquals(Optional.empty(),
                ReminderText.forAppointment(Appointment.builder().addParticipant(Participant.patient("p")).build()));
    }
}
