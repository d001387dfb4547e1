package org.carehost.sample.appointmentreminder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

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

/**
 * The packaged plugin in a container, with the host's scheduler, outbox and plugin data: a scheduled appointment
 * is reminded on the configured channel when the (test's) clock reaches its reminder time; a rescheduled one is
 * reminded at its new time only, a cancelled one never. The clock is moved, never slept on: each check waits for a
 * reminder that must come, and what must not come would have come before it (the host runs due jobs in due order).
 */
@CarehostTest
class AppointmentReminderIT {

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The test kit says what plugin:why says, for a failing assertion's message. */
    @Test
    void theKitSaysWhatPluginWhySays(Carehost carehost) {
        List<String> why = carehost.why();
        org.junit.jupiter.api.Assertions.assertTrue(why.get(0).contains("org.carehost.sample.appointmentreminder")
                && why.get(0).contains("is ACTIVE"), String.valueOf(why));
    }

    @Test
    void remindersFollowTheAppointmentsScheduledMovedAndCancelled(Carehost carehost, PatientService patients,
            AppointmentService appointments) throws Exception {
        List<Notification> sent = collecting(carehost, "test");
        // Returns once the reminder runs with these settings: no waiting for DS to restart it.
        carehost.configure("org.carehost.sample.appointmentreminder.AppointmentReminder",
                Map.of("channel", "test", "leadTimeMinutes", 60));

        List<Patient> some = patients.search(PatientQuery.builder().build()).items();
        Instant now = carehost.clock().instant().truncatedTo(ChronoUnit.MINUTES);
        Appointment kept = schedule(appointments, some.get(0), now.plus(Duration.ofHours(3)));
        Appointment moved = schedule(appointments, some.get(1), now.plus(Duration.ofHours(4)));
        Appointment cancelled = schedule(appointments, some.get(2), now.plus(Duration.ofHours(5)));
        Appointment last = schedule(appointments, some.get(3), now.plus(Duration.ofHours(8)));
        Appointment movedLater = appointments.reschedule(moved.id(), now.plus(Duration.ofHours(10)));
        appointments.cancel(cancelled.id(), "patient called");

        carehost.advanceClock(Duration.between(carehost.clock().instant(), now.plus(Duration.ofHours(2))));
        await("the first reminder", () -> reminded(sent, kept));
        assertTrue(sent.get(0).body().startsWith("You have an appointment on "), sent.get(0).body());

        carehost.advanceClock(Duration.ofHours(5)); // past the moved one's old time and the cancelled one's
        await("the reminder of " + last.id(), () -> reminded(sent, last));
        assertTrue(!reminded(sent, moved) && !reminded(sent, cancelled), "moved and cancelled come later or never: "
                + sent);

        carehost.advanceClock(Duration.ofHours(3)); // the moved one's new reminder time
        await("the moved reminder", () -> reminded(sent, movedLater));
        assertTrue(!reminded(sent, cancelled) && !reminded(sent, moved), sent.toString());
        assertEquals(3, sent.size(), sent.toString());
        await("the outbox's delivery events", () -> carehost.notifications().size() >= 3);
    }

    /**
     * The tenant's own lead time (the test kit's configureTenant, as {@code plugin:config --tenant default} sets it)
     * goes over the component's: with 60 minutes configured and 180 for the tenant, an appointment in four hours is
     * reminded one hour from now, which 60 minutes would not do for another two hours.
     */
    @Test
    void aTenantsOwnLeadTimeGoesOverTheComponents(Carehost carehost, PatientService patients,
            AppointmentService appointments) throws Exception {
        List<Notification> sent = collecting(carehost, "tenant");
        carehost.configure("org.carehost.sample.appointmentreminder.AppointmentReminder",
                Map.of("channel", "test", "leadTimeMinutes", 60));
        carehost.configureTenant(Map.of("leadTimeMinutes", 180, "channel", "tenant"));
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> carehost.configureTenant(Map.of("leadTimeMinutes", 0)));
        assertTrue(refused.getMessage().contains("leadTimeMinutes=0"), refused.getMessage());

        Patient patient = patients.search(PatientQuery.builder().build()).items().get(0);
        Instant now = carehost.clock().instant().truncatedTo(ChronoUnit.MINUTES);
        Appointment soon = schedule(appointments, patient, now.plus(Duration.ofHours(4)));
        carehost.advanceClock(Duration.between(carehost.clock().instant(), now.plus(Duration.ofMinutes(61))));
        await("the reminder at the tenant's lead time, on the tenant's channel", () -> reminded(sent, soon));
    }

    /** Registers a notifier of {@code channel} in the container; the list it returns is what it was sent. */
    private static List<Notification> collecting(Carehost carehost, String channel) {
        List<Notification> sent = new CopyOnWriteArrayList<>();
        carehost.register(Notifier.class, new Notifier() {
            @Override
            public String channel() {
                return channel;
            }

            @Override
            public void send(Notification notification) {
                sent.add(notification);
            }
        }, Map.of("channel", channel));
        return sent;
    }

    private static boolean reminded(List<Notification> sent, Appointment appointment) {
        String recipient = "Patient/" + appointment.patientId().orElseThrow();
        String body = ReminderText.body(appointment.start());
        return sent.stream().anyMatch(n -> n.recipient().equals(recipient) && n.body().equals(body));
    }

    private static Appointment schedule(AppointmentService appointments, Patient patient, Instant start) {
        return appointments.schedule(Appointment.builder().addParticipant(Participant.patient(patient.id()))
                .start(start).end(start.plus(20, ChronoUnit.MINUTES)).build());
    }
}
