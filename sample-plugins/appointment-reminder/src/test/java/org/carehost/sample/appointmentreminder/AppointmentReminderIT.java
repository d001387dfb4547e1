package org.carehost.sample.appointmentreminder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.plugin.Notifier;
import org.carehost.sdk.testkit.Carehost;
import org.carehost.sdk.testkit.CarehostTest;
import org.junit.jupiter.api.Test;

/** The packaged plugin in a container: a scheduled appointment becomes a reminder on the configured channel. */
@CarehostTest
class AppointmentReminderIT {

    @Test
    void aScheduledAppointmentIsRemindedThroughTheConfiguredChannel(Carehost carehost, PatientService patients,
            AppointmentService appointments) throws Exception {
        List<Notification> sent = new CopyOnWriteArrayList<>();
        carehost.register(Notifier.class, new Notifier() {
            @Override
            public String channel() {
                return "test";
            }

            @Override
            public void send(Notification notification) {
                sent.add(notification);
            }
        }, Map.of("channel", "test"));
        carehost.configure("org.carehost.sample.appointmentreminder.AppointmentReminder",
                Map.of("channel", "test", "leadTimeMinutes", 60));
        Thread.sleep(500); // the component restarts with the new configuration

        Patient patient = patients.search(PatientQuery.builder().build()).items().get(0);
        Instant start = Instant.now().plus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
        Appointment appointment = appointments.schedule(Appointment.builder()
                .addParticipant(Participant.patient(patient.id())).start(start).end(start.plus(20, ChronoUnit.MINUTES))
                .build());

        long deadline = System.currentTimeMillis() + 10_000;
        while (sent.stream().noneMatch(n -> n.recipient().equals("Patient/" + patient.id()))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        Notification reminder = sent.stream().filter(n -> n.recipient().equals("Patient/" + patient.id()))
                .findFirst().orElseThrow(() -> new AssertionError("no reminder for " + appointment.id() + ": " + sent));
        assertTrue(reminder.body().startsWith("You have an appointment on "), reminder.body());
        assertEquals(1, sent.stream().filter(n -> n.recipient().equals("Patient/" + patient.id())).count());
    }
}
