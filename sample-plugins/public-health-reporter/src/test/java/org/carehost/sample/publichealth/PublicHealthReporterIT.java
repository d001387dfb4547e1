package org.carehost.sample.publichealth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.testkit.Carehost;
import org.carehost.sdk.testkit.CarehostTest;
import org.junit.jupiter.api.Test;

/** The packaged plugin in a container: a reportable condition in an appointment's reason is reported. */
@CarehostTest
class PublicHealthReporterIT {

    @Test
    void reportableConditionsAreWrittenOthersAreNot(Carehost carehost, PatientService patients,
            AppointmentService appointments) throws Exception {
        Path reports = Files.createDirectories(carehost.pluginFolder().resolve("reports")); // its own folder
        carehost.configure("org.carehost.sample.publichealth.PublicHealthReporter",
                Map.of("reportDirectory", reports.toString())); // returns once the component has it

        String patientId = patients.search(PatientQuery.builder().build()).items().get(0).id();
        Instant start = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        Appointment routine = appointments.schedule(Appointment.builder().addParticipant(Participant.patient(patientId))
                .start(start).end(start.plusSeconds(1800)).reason("routine check-up").build());
        Appointment measles = appointments.schedule(Appointment.builder().addParticipant(Participant.patient(patientId))
                .start(start.plusSeconds(3600)).end(start.plusSeconds(5400)).reason("rash, suspected Measles").build());

        long deadline = System.currentTimeMillis() + 10_000;
        String written = "";
        while (!written.contains(measles.id()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            written = read(reports);
        }
        assertTrue(written.contains(measles.id()) && written.contains("measles"), written);
        assertFalse(written.contains(routine.id()), "a routine visit is not reported: " + written);
        assertFalse(written.contains("Testpatient"), "no names in reports: " + written);
    }

    private static String read(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> all = files.collect(Collectors.toList());
            StringBuilder text = new StringBuilder();
            for (Path file : all) {
                text.append(Files.readString(file));
            }
            return text.toString();
        }
    }
}
