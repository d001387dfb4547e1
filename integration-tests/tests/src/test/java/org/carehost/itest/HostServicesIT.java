package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.appointment.AppointmentStatus;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.event.PatientEvents;
import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.Address;
import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.Gender;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.sdk.resource.VersionConflictException;
import org.carehost.store.Store;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The host services on a real database: H2 here; {@link HostServicesPostgresIT} runs the same tests on
 * PostgreSQL. Every test makes its own patients (unique names), so they share one database.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostServicesIT {

    @Inject
    BundleContext context;

    @Inject
    PatientService patients;

    @Inject
    AppointmentService appointments;

    @Inject
    Store store;

    @Inject
    org.carehost.audit.AuditLog audit;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        return new Option[] {ContainerOptions.hostServices(deploy, jdbcUrl())};
    }

    /** The database under test; subclasses pick another. */
    protected String jdbcUrl() {
        return "jdbc:h2:mem:hostservices-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private static Patient.Builder patient(String family, String given) {
        return Patient.builder()
                .addIdentifier(Identifier.mrn("urn:carehost:test:mrn", unique("MRN-")))
                .addName(HumanName.official(family, given))
                .gender(Gender.FEMALE)
                .birthDate(LocalDate.of(1980, 5, 17))
                .addTelecom(new ContactPoint("phone", "+1-202-555-0100", "home"))
                .addAddress(new Address(List.of("1 Test Road"), "Springfield", "XX", "00000", "US"));
    }

    @Test
    public void theStoreIsTheConfiguredDatabase() {
        String configured = context.getProperty("carehost.store.url");
        assertTrue(store.url() + " is not " + configured, configured.startsWith(store.url().replace("***", "")));
    }

    /**
     * The trail's patient index: records after the newest run are found by a scan, those before it through the
     * runs that list them, and a record taken out of the index to hide it is caught. On PostgreSQL a run is added
     * every few seconds; on H2 every 20,000 records, so there this test sees the scan only.
     */
    @Test
    public void theTrailFindsEveryRecordOfAPatientAndCatchesARecordTakenOutOfTheIndex() throws Exception {
        Patient created = patients.create(patient(unique("Fam"), "Ida").build());
        patients.get(created.id());
        patients.get(created.id());
        java.util.function.Supplier<List<Long>> ofPatient = () -> audit.query(new org.carehost.sdk.audit.AuditQuery(
                created.id(), null, null, null, null, null, 0, 50)).items().stream()
                .map(org.carehost.sdk.audit.AuditRecord::sequence).collect(Collectors.toList());
        List<Long> found = ofPatient.get();
        assertEquals("the create and the two reads: " + found, 3, found.size());
        if (store.dialect() != Store.Dialect.POSTGRESQL) {
            return;
        }
        long newest = found.get(0);
        Await.until("a run covers record " + newest, 20_000, () -> Sql.count(store, 
                "SELECT COUNT(*) FROM audit_posting_run WHERE last_seq >= " + newest) > 0);
        assertEquals("found through the run now", found, ofPatient.get());
        // Taken out of the list of its patient in its run (PostgreSQL's array functions; this part runs there only).
        String itsRun = "patient_id = '" + created.id() + "' AND last_seq = (SELECT MIN(last_seq) FROM audit_posting_run"
                + " WHERE last_seq >= " + newest + ")";
        Sql.execute(store, "UPDATE audit_patient_run SET seqs = array_remove(seqs, " + newest + "::bigint) WHERE " + itsRun);
        try {
            assertEquals(found.subList(1, 3), ofPatient.get());
            org.carehost.sdk.audit.Verification verification = audit.verify();
            assertFalse("a record taken out of the index is caught", verification.intact());
            assertTrue(verification.problem(), verification.problem().contains("missing from the patient index"));
        } finally {
            Sql.execute(store, "UPDATE audit_patient_run SET seqs = array_append(seqs, " + newest + "::bigint) WHERE " + itsRun);
        }
        assertTrue(audit.verify().problem(), audit.verify().intact());
    }

    @Test
    public void createReadSearchAndUpdate() {
        String family = unique("Fam");
        Patient created = patients.create(patient(family, "Ada").build());
        assertNotNull(created.id());
        assertEquals(1, created.versionId());
        assertNotNull(created.lastUpdated());
        Patient read = patients.get(created.id());
        assertEquals(created, read);

        patients.create(patient(family, "Bea").birthDate(LocalDate.of(1990, 1, 2)).build());
        patients.create(patient(family, "Cyd").build());
        Page<Patient> byName = patients.search(PatientQuery.builder().name(family.toLowerCase()).page(0, 2).build());
        assertEquals(3, byName.total());
        assertEquals(2, byName.items().size());
        assertTrue(byName.hasNext());
        assertEquals(List.of("Ada", "Bea"), byName.items().stream().map(p -> p.names().get(0).given().get(0))
                .collect(Collectors.toList()));
        Page<Patient> byGiven = patients.search(PatientQuery.builder().name("cy").birthDate(LocalDate.of(1980, 5, 17)).build());
        assertTrue(byGiven.items().stream().anyMatch(p -> p.names().get(0).family().equals(family)));
        String mrn = created.medicalRecordNumber().orElseThrow().value();
        Page<Patient> byMrn = patients.search(PatientQuery.builder().identifier("urn:carehost:test:mrn|" + mrn).build());
        assertEquals(1, byMrn.total());
        assertEquals(created.id(), byMrn.items().get(0).id());

        Patient updated = patients.update(created.id(), read.toBuilder().birthDate(LocalDate.of(1981, 5, 17)).build());
        assertEquals(2, updated.versionId());
        assertEquals(LocalDate.of(1981, 5, 17), patients.get(created.id()).birthDate());
        try {
            patients.get("no-such-id");
            fail();
        } catch (ResourceNotFoundException expected) {
            assertTrue(expected.getMessage().contains("Patient/no-such-id"));
        }
    }

    @Test
    public void aStaleUpdateFailsClearlyAndConcurrentWritersLoseNothing() throws Exception {
        Patient created = patients.create(patient(unique("Race"), "Eve").build());
        patients.update(created.id(), created.toBuilder().gender(Gender.OTHER).build());
        try {
            patients.update(created.id(), created.toBuilder().gender(Gender.MALE).build());
            fail("an update based on version 1 after version 2 must fail");
        } catch (VersionConflictException expected) {
            assertEquals(1, expected.expectedVersion());
            assertEquals(2, expected.currentVersion());
        }
        assertEquals(Gender.OTHER, patients.get(created.id()).gender());

        int writers = 8;
        int changesEach = 5;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Integer>> conflicts = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            conflicts.add(pool.submit(() -> {
                int seen = 0;
                for (int c = 0; c < changesEach; c++) {
                    while (true) {
                        Patient current = patients.get(created.id());
                        try {
                            patients.update(created.id(), current.toBuilder()
                                    .addTelecom(new ContactPoint("email", "w" + writer + "c" + c + "@example.org", "work")).build());
                            break;
                        } catch (VersionConflictException retry) {
                            seen++;
                        }
                    }
                }
                return seen;
            }));
        }
        int totalConflicts = 0;
        for (Future<Integer> future : conflicts) {
            totalConflicts += future.get();
        }
        pool.shutdown();
        Patient last = patients.get(created.id());
        assertEquals("every acknowledged write is there", 1 + writers * changesEach, last.telecom().size());
        assertEquals(2 + writers * changesEach, last.versionId());
        assertTrue("the writers did collide (" + totalConflicts + " conflicts)", totalConflicts > 0);
    }

    @Test
    public void badInputListsEveryProblemAndStoresNothing() {
        String family = unique("Bad");
        long before = patients.search(PatientQuery.builder().name(family).build()).total();
        Patient bad = Patient.builder()
                .addName(new HumanName("official", null, List.of()))
                .addName(HumanName.official(family + "\u0007", "Eve"))
                .birthDate(LocalDate.now().plusDays(3))
                .addIdentifier(new Identifier("not a uri", "bad value!", "MR"))
                .addIdentifier(new Identifier("urn:x", "", null))
                .addTelecom(new ContactPoint("pigeon", "", null))
                .build();
        try {
            patients.create(bad);
            fail("invalid patient stored");
        } catch (ValidationException expected) {
            List<String> paths = expected.issues().stream().map(ValidationIssue::path).collect(Collectors.toList());
            for (String path : List.of("Patient.name[0]", "Patient.name[1].family", "Patient.birthDate",
                    "Patient.identifier[0].value", "Patient.identifier[0].system", "Patient.identifier[1].value",
                    "Patient.telecom[0].system", "Patient.telecom[0].value")) {
                assertTrue(path + " missing from " + expected.issues(), paths.contains(path));
            }
        }
        assertEquals("nothing stored", before, patients.search(PatientQuery.builder().name(family).build()).total());

        List<Address> huge = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            huge.add(new Address(List.of("x".repeat(190)), "City", null, null, null));
        }
        try {
            patients.create(patient(family, "Big").addresses(huge).build());
            fail("a patient over 1 MiB stored");
        } catch (ValidationException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("at most 1 MiB"));
        }
        try {
            FhirJson.readPatient("{\"resourceType\":\"Patient\",\"birthDate\":\"1980-13-45\",\"gender\":\"dragon\"}");
            fail("malformed date read");
        } catch (ValidationException expected) {
            assertEquals(List.of("Patient.gender", "Patient.birthDate"),
                    expected.issues().stream().map(ValidationIssue::path).collect(Collectors.toList()));
        }
        assertEquals(before, patients.search(PatientQuery.builder().name(family).build()).total());
    }

    @Test
    public void injectionStringsAreData() {
        Patient stored = patients.create(patient("Robert'); DROP TABLE patient;--", "Inj").build());
        assertEquals(0, patients.search(PatientQuery.builder().name("x' OR '1'='1").build()).total());
        assertEquals(0, patients.search(PatientQuery.builder().identifier("' OR 1=1 --").build()).total());
        assertEquals(0, patients.search(PatientQuery.builder().name("%").build()).total());
        Patient withQuote = patients.create(patient("O'Brien", "Inj").build());
        assertEquals("O'Brien", patients.get(withQuote.id()).names().get(0).family());
        assertEquals("the table is still there and the name is data", stored, patients.get(stored.id()));
    }

    @Test
    public void appointmentsAreScheduledMovedAndCancelledWithEvents() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {AppointmentEvents.TOPIC_ALL, PatientEvents.TOPIC_ALL});
        context.registerService(EventHandler.class, events::add, props);

        Patient patient = patients.create(patient(unique("Appt"), "Flo").build());
        Instant start = Instant.parse("2030-03-04T09:00:00Z");
        Appointment scheduled = appointments.schedule(Appointment.builder()
                .addParticipant(Participant.patient(patient.id()))
                .start(start).end(start.plus(30, ChronoUnit.MINUTES)).reason("check-up").build());
        assertEquals(AppointmentStatus.BOOKED, scheduled.status());
        assertEquals(scheduled, appointments.get(scheduled.id()));

        Appointment moved = appointments.reschedule(scheduled.id(), start.plus(2, ChronoUnit.DAYS));
        assertEquals(start.plus(2, ChronoUnit.DAYS).plus(30, ChronoUnit.MINUTES), moved.end());
        assertEquals(2, moved.versionId());

        Page<Appointment> mine = appointments.search(AppointmentQuery.forPatient(patient.id()));
        assertEquals(1, mine.total());
        Page<Appointment> window = appointments.search(new AppointmentQuery(patient.id(), start, start.plus(1, ChronoUnit.DAYS), 0, 10));
        assertEquals("moved out of the first day", 0, window.total());

        Appointment cancelled = appointments.cancel(scheduled.id(), "patient asked");
        assertEquals(AppointmentStatus.CANCELLED, cancelled.status());
        assertEquals("patient asked", appointments.get(scheduled.id()).cancelationReason());

        for (Appointment bad : List.of(
                Appointment.builder().addParticipant(Participant.patient("no-such-patient")).start(start).end(start.plusSeconds(60)).build(),
                Appointment.builder().addParticipant(Participant.patient(patient.id())).start(start).end(start.minusSeconds(60)).build(),
                Appointment.builder().start(start).build())) {
            try {
                appointments.schedule(bad);
                fail("scheduled " + bad);
            } catch (ValidationException expected) {
                assertFalse(expected.issues().isEmpty());
            }
        }
        assertEquals(1, appointments.search(AppointmentQuery.forPatient(patient.id())).total());

        Await.until("events are delivered", 5_000, () -> events.stream().map(Event::getTopic).collect(Collectors.toSet())
                .containsAll(List.of(PatientEvents.CREATED, AppointmentEvents.SCHEDULED, AppointmentEvents.RESCHEDULED,
                        AppointmentEvents.CANCELLED)));
        Event cancelledEvent = events.stream().filter(e -> e.getTopic().equals(AppointmentEvents.CANCELLED)).findFirst().get();
        assertEquals(scheduled.id(), cancelledEvent.getProperty(AppointmentEvents.APPOINTMENT_ID));
        assertEquals(patient.id(), cancelledEvent.getProperty(AppointmentEvents.PATIENT_ID));
    }

    @Test
    public void fhirJsonRoundTripsThroughTheService() {
        Patient created = patients.create(patient(unique("Json"), "Gus").build());
        String json = FhirJson.write(created);
        assertTrue(json, json.contains("\"resourceType\":\"Patient\"") && json.contains("\"versionId\":\"1\""));
        assertEquals(created, FhirJson.readPatient(json));
    }

    /**
     * Imports of one new medical record number at the same moment, through {@link org.carehost.clinical.PatientImport}
     * from four threads (issue 18): one creates the patient, each other updates it or is refused with the reason;
     * never a second patient (the store's claim on the number; on PostgreSQL the second claim waits for the first
     * transaction and then meets the primary key).
     */
    @Test
    public void importsOfOneNewNumberAtTheSameMomentMakeOnePatient() throws Exception {
        org.osgi.framework.ServiceReference<org.carehost.clinical.PatientImport> reference =
                context.getServiceReference(org.carehost.clinical.PatientImport.class);
        org.carehost.clinical.PatientImport importer = context.getService(reference);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 6; round++) {
                String mrn = unique("IMP-");
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
                List<Future<org.carehost.clinical.ImportOutcome>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String json = "{\"resourceType\":\"Patient\",\"identifier\":[{\"type\":{\"coding\":[{\"system\":"
                            + "\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},\"system\":"
                            + "\"urn:carehost:test:mrn\",\"value\":\"" + mrn + "\"}],\"name\":[{\"family\":\"Twin" + t
                            + "\",\"given\":[\"Ima\"]}],\"birthDate\":\"1985-03-04\"}";
                    String source = "round-" + round + "-" + t + ".json";
                    results.add(pool.submit(() -> {
                        together.await(30, java.util.concurrent.TimeUnit.SECONDS);
                        return importer.importJson(source, json).get(0);
                    }));
                }
                int created = 0;
                for (Future<org.carehost.clinical.ImportOutcome> result : results) {
                    org.carehost.clinical.ImportOutcome outcome = result.get(120, java.util.concurrent.TimeUnit.SECONDS);
                    if (outcome.status() == org.carehost.clinical.ImportOutcome.Status.CREATED) {
                        created++;
                    } else if (outcome.status() != org.carehost.clinical.ImportOutcome.Status.UPDATED) {
                        assertTrue(outcome.toString(), outcome.message().contains("was updated by someone else")
                                || outcome.message().contains("already has this medical record number"));
                    }
                }
                assertEquals("one import created the patient", 1, created);
                assertEquals("never a second patient with the number", 1, patients.search(PatientQuery.builder()
                        .identifier("urn:carehost:test:mrn|" + mrn).build()).items().size());
            }
        } finally {
            pool.shutdownNow();
            context.ungetService(reference);
        }
    }
}
