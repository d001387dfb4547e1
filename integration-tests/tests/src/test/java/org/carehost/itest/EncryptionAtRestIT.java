package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.carehost.crypto.KeyRotation;
import org.carehost.crypto.PhiCipher;
import org.carehost.sdk.patient.Address;
import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.store.Store;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * Encryption at rest (issue 6, item 6): the H2 file and the audit journal, read as bytes, hold no name, contact
 * detail or identifier in the clear; a key rotation re-seals every row (the outbox's notifications and the scheduled
 * jobs' payloads too), keeps every patient readable and findable, and resumes when it was interrupted.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EncryptionAtRestIT {


    @Inject
    BundleContext context;
    @Inject
    PatientService patients;
    @Inject
    PhiCipher cipher;
    @Inject
    KeyRotation rotation;
    @Inject
    Store store;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        Path data = Fixtures.workFolder("carehost-itest-phi");
        return new Option[] {ContainerOptions.hostServices(deploy, "jdbc:h2:file:" + data.resolve("db") + ";WRITE_DELAY=0")};
    }

    private static Patient person(String family, String given, String phone, String street, String mrn) {
        return Patient.builder().addIdentifier(Identifier.mrn("urn:oid:1.2.3.4", mrn)).addName(HumanName.official(family, given))
                .birthDate(LocalDate.of(1980, 1, 2)).addTelecom(new ContactPoint("phone", phone, "home"))
                .addAddress(new Address(List.of(street), "Springfield", "XX", "00000", "US")).build();
    }

    @Test
    public void theDatabaseHoldsNoPlainTextPhiAndARotationKeepsEveryPatient() throws Exception {
        List<String> secrets = List.of("Quillfeather", "Ysolde", "+1-202-555-0147", "77 Obscure Lane", "MRN-ZX-90817");
        Patient patient = patients.create(person(secrets.get(0), secrets.get(1), secrets.get(2), secrets.get(3), secrets.get(4)));
        List<Patient> more = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            more.add(patients.create(person("Rotan" + i, "Kim", "+1-202-555-01" + (10 + i), i + " Main St", "MRN-R-" + i)));
        }
        assertEquals(patient.id(), patients.search(PatientQuery.builder().name("quill").build()).items().get(0).id());

        Sql.execute(store, "CHECKPOINT SYNC");
        assertNoneInFiles(secrets);

        // Sealed values other bundles keep: a queued notification and a scheduled job's payload (due tomorrow).
        String outboxId = "rot-" + java.util.UUID.randomUUID();
        String jobId = "rot-" + java.util.UUID.randomUUID();
        String message = "{\"recipient\":\"Ysolde Quillfeather\",\"body\":\"see you\"}";
        String payload = "{\"patient\":\"Quillfeather\"}";
        java.time.OffsetDateTime tomorrow = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).plusDays(1);
        try (java.sql.Connection connection = store.connection();
                java.sql.PreparedStatement outbox = connection.prepareStatement("INSERT INTO outbox (id, plugin, tenant,"
                        + " purpose, channel, dedupe_key, message, state, attempts, next_attempt, version_id, created_at)"
                        + " VALUES (?, 'org.example.sender', 'default', 'TREAT', 'nowhere', ?, ?, 'PENDING', 0, ?, 0, ?)");
                java.sql.PreparedStatement job = connection.prepareStatement("INSERT INTO scheduled_work (id, plugin,"
                        + " tenant, purpose, task, payload, due_at, state, attempts, version_id, created_at) VALUES (?,"
                        + " 'org.example.worker', 'default', 'HOPERAT', 'remind', ?, ?, 'SCHEDULED', 0, 0, ?)")) {
            outbox.setString(1, outboxId);
            outbox.setString(2, outboxId);
            outbox.setString(3, cipher.seal(message, "outbox.message|" + outboxId));
            outbox.setObject(4, tomorrow);
            outbox.setObject(5, tomorrow.minusDays(1));
            outbox.executeUpdate();
            job.setString(1, jobId);
            job.setString(2, cipher.seal(payload, "scheduled_work.payload|" + jobId));
            job.setObject(3, tomorrow);
            job.setObject(4, tomorrow.minusDays(1));
            job.executeUpdate();
        }

        String before = cipher.currentKeyId();
        // An interrupted rotation: a new key is current, nothing re-sealed yet. Reads still work (both keys held).
        String next = cipher.beginRotation();
        assertNotEquals(before, next);
        assertEquals(List.of(next, before), cipher.keyIds());
        assertEquals(secrets.get(0), patients.get(patient.id()).name().orElseThrow().family());
        assertEquals(1, patients.search(PatientQuery.builder().identifier("MRN-ZX-90817").build()).total());

        // While the bundle that re-seals the outbox is stopped, a rotation keeps the old keys: the queued notification
        // is still sealed under one of them.
        org.osgi.framework.Bundle notifications = Fixtures.bundle(context, "org.carehost.notifications");
        notifications.stop();
        String kept = rotation.rotate();
        assertTrue(kept, kept.contains("old keys are kept"));
        assertTrue("the old key is still held: " + cipher.keyIds(), cipher.keyIds().contains(before));
        notifications.start();
        Await.until("the outbox's re-sealing is back", 20_000, () -> Fixtures.hasService(context,
                "(&(objectClass=org.carehost.crypto.SealedValues)(service.bundleid=" + notifications.getBundleId() + "))"));

        String report = rotation.rotate();
        // The start-up pass may have finished the interrupted rotation first (that is its job); either way the
        // rotation ends on one key, not the one before, with no row left under another.
        String current = cipher.currentKeyId();
        assertTrue(report, report.contains("Rotated to key " + current));
        assertEquals(List.of(current), cipher.keyIds());
        assertNotEquals(before, current);
        assertEquals("every row re-sealed under the new key", 0, Sql.count(store, "SELECT COUNT(*) FROM patient WHERE resource NOT LIKE 'c1."
                + current + ".%'") + Sql.count(store, "SELECT COUNT(*) FROM appointment WHERE resource NOT LIKE 'c1." + current + ".%'"));
        for (Patient each : more) {
            assertEquals(each.telecom(), patients.get(each.id()).telecom());
        }
        // The outbox's and the scheduler's sealed values were re-sealed too: they open under the one key left.
        assertEquals("outbox and jobs re-sealed", 0, Sql.count(store, "SELECT COUNT(*) FROM outbox WHERE message NOT LIKE"
                + " 'c1." + current + ".%'") + Sql.count(store, "SELECT COUNT(*) FROM scheduled_work WHERE payload IS NOT"
                + " NULL AND payload NOT LIKE 'c1." + current + ".%'"));
        try (java.sql.Connection connection = store.connection();
                java.sql.Statement read = connection.createStatement();
                java.sql.ResultSet outbox = read.executeQuery("SELECT message FROM outbox WHERE id = '" + outboxId + "'")) {
            assertTrue(outbox.next());
            assertEquals(message, cipher.open(outbox.getString(1), "outbox.message|" + outboxId));
        }
        try (java.sql.Connection connection = store.connection();
                java.sql.Statement read = connection.createStatement();
                java.sql.ResultSet job = read.executeQuery("SELECT payload FROM scheduled_work WHERE id = '" + jobId + "'")) {
            assertTrue(job.next());
            assertEquals(payload, cipher.open(job.getString(1), "scheduled_work.payload|" + jobId));
        }
        assertEquals(patient.id(), patients.search(PatientQuery.builder().name("ysol").build()).items().get(0).id());
        assertEquals(patient.id(), patients.search(PatientQuery.builder().identifier("urn:oid:1.2.3.4|MRN-ZX-90817").build())
                .items().get(0).id());

        Sql.execute(store, "CHECKPOINT SYNC");
        assertNoneInFiles(secrets);
    }

    private void assertNoneInFiles(List<String> secrets) throws IOException {
        List<Path> files = new ArrayList<>();
        String url = store.url();
        Path data = Paths.get(url.substring("jdbc:h2:file:".length(), url.indexOf(';'))).getParent();
        for (Path root : List.of(data, Paths.get(context.getProperty("carehost.audit.journal")))) {
            if (Files.exists(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile).forEach(files::add);
                }
            }
        }
        assertTrue("the database file is there: " + files, files.stream().anyMatch(f -> f.toString().endsWith(".mv.db")));
        for (Path file : files) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).toLowerCase();
            for (String secret : secrets) {
                assertFalse(secret + " in the clear in " + file, bytes.contains(secret.toLowerCase()));
            }
        }
    }

}
