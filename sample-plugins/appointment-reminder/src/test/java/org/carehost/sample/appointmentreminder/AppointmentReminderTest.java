package org.carehost.sample.appointmentreminder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.appointment.AppointmentStatus;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.plugin.Notifier;
import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** The component without OSGi: a map for the appointment service, a queue for the notifier. */
class AppointmentReminderTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final Map<String, Appointment> stored = new ConcurrentHashMap<>();
    private final BlockingQueue<Notification> sent = new LinkedBlockingQueue<>();
    private final List<String> logLines = TestLoggers.lines();
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    {
        executor.setRemoveOnCancelPolicy(true); // as the component's own executor does
    }

    private final AppointmentReminder reminder = new AppointmentReminder(new MapAppointments(),
            TestLoggers.recording(logLines), ReminderSettings.of(60, "log"), Clock.fixed(NOW, ZoneOffset.UTC),
            executor);

    @AfterEach
    void stop() {
        reminder.deactivate();
        assertTrue(executor.isShutdown());
    }

    private void store(String id, Instant start, AppointmentStatus status) {
        stored.put(id, Appointment.builder().id(id).status(status).start(start).end(start.plusSeconds(900))
                .addParticipant(Participant.patient("p-" + id)).build());
    }

    private static Event event(String topic, String id) {
        return new Event(topic, Map.of(AppointmentEvents.APPOINTMENT_ID, id));
    }

    private Notifier notifier(String channel) {
        return new Notifier() {
            @Override
            public String channel() {
                return channel;
            }

            @Override
            public void send(Notification notification) {
                sent.add(notification);
            }
        };
    }

    @Test
    void sendsAtOnceWhenTheAppointmentIsWithinTheLeadTime() throws Exception {
        reminder.addNotifier(notifier("sms"));
        reminder.addNotifier(notifier("log"));
        store("a1", NOW.plus(Duration.ofMinutes(30)), AppointmentStatus.BOOKED);

        reminder.handleEvent(event(AppointmentEvents.SCHEDULED, "a1"));

        Notification notification = sent.poll(5, TimeUnit.SECONDS);
        assertEquals(new Notification("Patient/p-a1", "Appointment reminder",
                "You have an appointment on 2026-03-01 12:30 UTC"), notification);
        assertEquals(0, reminder.plannedCount());
    }

    @Test
    void plansLaterRemindersAndDropsThemOnCancel() {
        store("a2", NOW.plus(Duration.ofDays(2)), AppointmentStatus.BOOKED);
        reminder.handleEvent(event(AppointmentEvents.SCHEDULED, "a2"));
        assertEquals(1, reminder.plannedCount());
        long delayMinutes = executor.getQueue().stream()
                .mapToLong(task -> ((java.util.concurrent.Delayed) task).getDelay(TimeUnit.MINUTES)).max().orElse(-1);
        // The fixed clock says 12:00 but the executor counts real time: within a minute of 2 days - 1 hour.
        assertTrue(Math.abs(delayMinutes - (48 * 60 - 60)) <= 1, "delay " + delayMinutes);

        reminder.handleEvent(event(AppointmentEvents.CANCELLED, "a2"));
        assertEquals(0, reminder.plannedCount());
        assertEquals(0, executor.getQueue().size());
    }

    @Test
    void rescheduleReplacesThePlan() throws Exception {
        reminder.addNotifier(notifier("log"));
        store("a3", NOW.plus(Duration.ofDays(2)), AppointmentStatus.BOOKED);
        reminder.handleEvent(event(AppointmentEvents.SCHEDULED, "a3"));
        store("a3", NOW.plus(Duration.ofMinutes(10)), AppointmentStatus.BOOKED);
        reminder.handleEvent(event(AppointmentEvents.RESCHEDULED, "a3"));

        Notification notification = sent.poll(5, TimeUnit.SECONDS);
        assertEquals("You have an appointment on 2026-03-01 12:10 UTC", notification.body());
        assertEquals(0, reminder.plannedCount());
        assertEquals(0, executor.getQueue().size(), "the 2-day plan was cancelled");
    }

    @Test
    void nothingIsPlannedForPastOrCancelledAppointments() {
        store("past", NOW.minusSeconds(60), AppointmentStatus.BOOKED);
        store("cancelled", NOW.plus(Duration.ofDays(2)), AppointmentStatus.CANCELLED);
        reminder.handleEvent(event(AppointmentEvents.SCHEDULED, "past"));
        reminder.handleEvent(event(AppointmentEvents.SCHEDULED, "cancelled"));
        assertEquals(0, reminder.plannedCount());
    }

    @Test
    void missingNotifierOrAppointmentIsLoggedNotThrown() throws Exception {
        reminder.addNotifier(notifier("email"));
        store("a4", NOW.plus(Duration.ofMinutes(5)), AppointmentStatus.BOOKED);
        reminder.handleEvent(event(AppointmentEvents.SCHEDULED, "a4"));
        reminder.handleEvent(event(AppointmentEvents.SCHEDULED, "unknown"));
        reminder.handleEvent(new Event(AppointmentEvents.SCHEDULED, Map.of()));

        executor.shutdown();
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(0, sent.size());
        String log = String.join("\n", logLines);
        assertTrue(log.contains("No notifier for channel"), log);
        assertTrue(log.contains("warn [Could not handle {}: {}, carehost/appointment/SCHEDULED, Appointment/unknown does not exist]"), log);
        assertTrue(log.contains("warn [Event {} has no {}; ignored, carehost/appointment/SCHEDULED, appointment.id]"), log);
    }

    /** Just enough AppointmentService for the reminder: get. */
    private final class MapAppointments implements AppointmentService {
        @Override
        public Appointment get(String id) {
            Appointment appointment = stored.get(id);
            if (appointment == null) {
                throw new ResourceNotFoundException("Appointment", id);
            }
            return appointment;
        }

        @Override
        public Appointment schedule(Appointment appointment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Appointment cancel(String id, String reason) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Appointment reschedule(String id, Instant newStart) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page<Appointment> search(AppointmentQuery query) {
            throw new UnsupportedOperationException();
        }
    }
}
