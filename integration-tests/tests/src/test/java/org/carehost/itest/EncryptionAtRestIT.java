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
 * detail or identifier in the clear; a key rotation re-seals every row, keeps every patient readable and
 * findable, and resumes when it was interrupted.
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

        String before = cipher.currentKeyId();
        // An interrupted rotation: a new key is current, nothing re-sealed yet. Reads still work (both keys held).
        String next = cipher.beginRotation();
        assertNotEquals(before, next);
        assertEquals(List.of(next, before), cipher.keyIds());
        assertEquals(secrets.get(0), patients.get(patient.id()).name().orElseThrow().family());
        assertEquals(1, patients.search(PatientQuery.builder().identifier("MRN-ZX-90817").build()).total());

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
