package org.carehost.sample.publichealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.osgi.service.log.Logger;

/** The component without OSGi: appointments from a map, reports to a temporary directory. */
class PublicHealthReporterTest {

    @TempDir
    Path dir;

    private final Map<String, Appointment> stored = new HashMap<>();
    private final List<String> logLines = new ArrayList<>();

    private PublicHealthReporter reporter(Path reports) {
        // Only get() is called; any other method fails the test.
        AppointmentService appointments = (AppointmentService) Proxy.newProxyInstance(
                AppointmentService.class.getClassLoader(), new Class<?>[] {AppointmentService.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("get")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Appointment appointment = stored.get((String) args[0]);
                    if (appointment == null) {
                        throw new ResourceNotFoundException("Appointment", (String) args[0]);
                    }
                    return appointment;
                });
        Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    logLines.add(method.getName() + " " + Arrays.deepToString(args));
                    return method.getReturnType() == boolean.class ? true : null;
                });
        return new PublicHealthReporter(appointments, log, new ConditionMatcher("measles", "tuberculosis"),
                new ReportWriter(reports), Clock.fixed(Instant.parse("2026-03-01T10:15:30Z"), ZoneOffset.UTC));
    }

    private void store(String id, String reason) {
        stored.put(id, Appointment.builder().id(id).start(Instant.parse("2026-03-05T09:00:00Z"))
                .addParticipant(new Participant("Patient/p-" + id, "Peter Chalmers", "accepted")).reason(reason)
                .build());
    }

    private static Event scheduled(String id) {
        return new Event(AppointmentEvents.SCHEDULED, Map.of(AppointmentEvents.APPOINTMENT_ID, id));
    }

    @Test
    void appendsOneLinePerMatchedConditionToTheDaysFile() throws Exception {
        Path reports = dir.resolve("data/reports");
        PublicHealthReporter reporter = reporter(reports);
        store("a1", "Suspected Measles, contact with tuberculosis case");
        store("a2", "routine check-up");
        store("a3", "measles");

        reporter.handleEvent(scheduled("a1"));
        reporter.handleEvent(scheduled("a2"));
        reporter.handleEvent(scheduled("a3"));

        Path file = reports.resolve("public-health-2026-03-01.jsonl");
        assertEquals(List.of(
                "{\"appointmentId\":\"a1\",\"patientId\":\"p-a1\",\"condition\":\"measles\",\"detectedAt\":\"2026-03-01T10:15:30Z\"}",
                "{\"appointmentId\":\"a1\",\"patientId\":\"p-a1\",\"condition\":\"tuberculosis\",\"detectedAt\":\"2026-03-01T10:15:30Z\"}",
                "{\"appointmentId\":\"a3\",\"patientId\":\"p-a3\",\"condition\":\"measles\",\"detectedAt\":\"2026-03-01T10:15:30Z\"}"),
                Files.readAllLines(file));
        assertFalse(Files.readString(file).contains("Chalmers"), "no names in the report");
        String log = String.join("\n", logLines);
        assertFalse(log.contains("measles") || log.contains("tuberculosis"), log);
    }

    @Test
    void noFileWhenNothingIsReportable() {
        Path reports = dir.resolve("reports");
        PublicHealthReporter reporter = reporter(reports);
        store("a1", null);
        reporter.handleEvent(scheduled("a1"));
        assertFalse(Files.exists(reports));
    }

    @Test
    void unknownAppointmentOrMissingIdIsLoggedNotThrown() {
        PublicHealthReporter reporter = reporter(dir);
        reporter.handleEvent(scheduled("nope"));
        reporter.handleEvent(new Event(AppointmentEvents.SCHEDULED, Map.of()));
        String log = String.join("\n", logLines);
        assertTrue(log.contains("Appointment/nope does not exist"), log);
        assertTrue(log.contains("has no {}"), log);
    }

    @Test
    void unwritableDirectoryIsLoggedNotThrown() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        PublicHealthReporter reporter = reporter(notADirectory);
        store("a1", "measles");
        reporter.handleEvent(scheduled("a1"));
        assertTrue(String.join("\n", logLines).contains("Could not write the public-health report"), logLines::toString);
    }
}
