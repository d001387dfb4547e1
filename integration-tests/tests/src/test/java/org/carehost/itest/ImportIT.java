package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * {@code patient:import} on the real container: the fixture transformer normalises medical record numbers before
 * the validators and the store see them; a patient whose medical record number is stored updates that patient; a
 * transaction Bundle is all or nothing (a transformer that throws, or one bad entry, stores none of it); a batch
 * Bundle stores what it can and says why the rest failed; bad JSON and resource types not imported are refused by
 * name; each stored patient is audited with the transformers that ran; imports of one new medical record number at
 * the same moment make one patient; imports while the transformer's plugin is updated wait for it and are transformed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ImportIT {

    private static final String TRANSFORMER = "org.carehost.fixture.normalisingtransformer";
    private static final String SYSTEM = "urn:carehost:test:mrn";

    @Inject
    BundleContext context;

    @Inject
    PatientService patients;

    @Inject
    AuditLog audit;

    @Inject
    CommandProcessor shell;

    private Path folder;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("import")};
    }

    @Before
    public void transformerAndFolder() throws Exception {
        if (Fixtures.installed(context, TRANSFORMER).isEmpty()) {
            Bundle bundle = Fixtures.installAsPlugin(context,
                    ContainerOptions.bundleFile("carehost-fixture-normalising-transformer"));
            bundle.start();
        }
        Await.until("the transformer is registered", 20_000, () -> Fixtures.hasService(context,
                "(&(objectClass=org.carehost.sdk.plugin.Transformer)(service.bundleid="
                        + Fixtures.bundle(context, TRANSFORMER).getBundleId() + "))"));
        folder = Fixtures.workFolder("carehost-import");
    }

    private static String patient(String family, String mrn, String birthDate) {
        return "{\"resourceType\":\"Patient\",\"id\":\"from-elsewhere\",\"identifier\":[{\"type\":{\"coding\":[{"
                + "\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},"
                + "\"system\":\"urn:legacy:mrn\",\"value\":\" " + mrn + " \"}],\"name\":[{\"use\":\"official\","
                + "\"family\":\"" + family + "\",\"given\":[\"Ima\"]}],\"birthDate\":\"" + birthDate + "\"}";
    }

    private static String bundle(String type, String... resources) {
        StringBuilder json = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[");
        for (int i = 0; i < resources.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"resource\":").append(resources[i])
                    .append(",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}");
        }
        return json.append("]}").toString();
    }

    /** A fresh medical record number, as the sending system writes it (dashes, lower case). */
    private static String mrn() {
        return "mr-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The stored form: the transformer takes dashes out and upper-cases it. */
    private static String normalised(String mrn) {
        return mrn.replace("-", "").toUpperCase(java.util.Locale.ROOT);
    }

    private List<Patient> stored(String mrn) {
        return patients.search(PatientQuery.builder().identifier(SYSTEM + "|" + normalised(mrn)).build()).items();
    }

    private Path file(String name, String json) throws IOException {
        return Files.writeString(folder.resolve(name), json);
    }

    private String importing(Path path) throws Exception {
        return Shell.run(shell, "patient:import " + path);
    }

    /** The command fails (a script exits non-zero); its message lists the outcomes. */
    private String importFailing(Path path) throws Exception {
        try {
            String out = importing(path);
            fail("the import must fail: " + out);
            return out;
        } catch (Exception expected) {
            return String.valueOf(expected.getMessage());
        }
    }

    private AuditRecord latest(String operation) {
        for (AuditRecord record : audit.query(AuditQuery.latest(50)).items()) {
            if (operation.equals(record.operation())) {
                return record;
            }
        }
        throw new AssertionError("no " + operation + " among the newest audit records");
    }

    @Test
    public void aPatientIsTransformedStoredAndUpdatedByItsMedicalRecordNumber() throws Exception {
        String mrn = mrn();
        String out = importing(file("one.json", patient("Importson", mrn, "1970-01-02")));
        assertTrue(out, out.contains("CREATED") && out.contains("1 created, 0 updated, 0 not stored"));
        List<Patient> found = stored(mrn);
        assertEquals("the transformer normalised the number before it was stored", 1, found.size());
        Patient first = found.get(0);
        assertEquals(new Identifier(SYSTEM, normalised(mrn), Identifier.MEDICAL_RECORD_NUMBER),
                first.medicalRecordNumber().orElseThrow());
        assertTrue("the host names resources, not the file", !first.id().equals("from-elsewhere"));
        AuditRecord created = latest("PatientImport.create");
        assertEquals(first.id(), created.resourceId());
        assertTrue(created.query(), created.query().contains("transformers: " + TRANSFORMER + " 1.0.0"));

        // The same number again, as the sender wrote it: an update of that patient, not a second one.
        out = importing(file("one.json", patient("Importson-Smith", mrn.toUpperCase(java.util.Locale.ROOT),
                "1970-01-02")));
        assertTrue(out, out.contains("UPDATED") && out.contains(first.id()));
        found = stored(mrn);
        assertEquals(1, found.size());
        assertEquals(2, found.get(0).versionId());
        assertEquals("Importson-Smith", found.get(0).name().orElseThrow().family());
        assertEquals(first.id(), latest("PatientImport.update").resourceId());
    }

    /**
     * Red team 21: a transformer is given every patient imported, and what it returns is stored; a plugin holding no
     * permission read them and changed their birth dates. One whose plugin does not hold read:patients and
     * write:patients is not called: the patient is not stored, and the reason names the grant.
     */
    @Test
    public void aTransformerWhosePluginDoesNotHoldWritePatientsIsNotCalled() throws Exception {
        org.carehost.security.SecurityAdmin security = context.getService(
                context.getServiceReference(org.carehost.security.SecurityAdmin.class));
        String mrn = mrn();
        security.revoke(TRANSFORMER, List.of(org.carehost.security.Permission.WRITE_PATIENTS));
        try {
            String out = importFailing(file("unwritten.json", patient("Unwritten", mrn, "1970-01-02")));
            assertTrue(out, out.contains("does not hold read:patients and write:patients")
                    && out.contains("plugin:grant " + TRANSFORMER + " read:patients write:patients"));
            assertEquals("not stored", 0, stored(mrn).size());
            assertEquals("not stored untransformed either", 0, patients.search(PatientQuery.builder()
                    .identifier(SYSTEM + "|" + mrn).build()).total());
        } finally {
            security.grant(TRANSFORMER, List.of(org.carehost.security.Permission.WRITE_PATIENTS));
        }
        String out = importing(file("unwritten.json", patient("Unwritten", mrn, "1970-01-02")));
        assertTrue("granted again, it transforms and the patient is stored: " + out, out.contains("CREATED"));
    }

    @Test
    public void aTransactionIsAllOrNothing() throws Exception {
        String kept = mrn();
        importing(file("existing.json", patient("Kept", kept, "1980-05-06")));
        String a = mrn();
        String b = mrn();
        // A transformer that throws on one entry: none is stored, the stored patient is not updated.
        String message = importFailing(file("tx-transformer.json", bundle("transaction",
                patient("Alpha", a, "1990-01-01"), patient("Kept-Changed", kept, "1980-05-06"),
                patient("Untransformable", b, "1990-01-01"))));
        assertTrue(message, message.contains("tx-transformer.json#entry[2]") && message.contains(TRANSFORMER)
                && message.contains("NOT_STORED") && message.contains("0 created, 0 updated, 3 not stored"));
        assertEquals(0, stored(a).size());
        assertEquals(1, stored(kept).get(0).versionId());
        // The host's own rules refuse an entry: again nothing.
        message = importFailing(file("tx-date.json", bundle("transaction", patient("Alpha", a, "1990-01-01"),
                patient("Beta", b, "1990-13-45"))));
        assertTrue(message, message.contains("Patient.birthDate") && message.contains("tx-date.json#entry[0]"));
        assertEquals(0, stored(a).size());
        assertTrue(latest("PatientImport.transaction").query().contains("nothing stored"));

        // All good: both stored in one go, the known number updating its patient.
        String out = importing(file("tx-good.json", bundle("transaction", patient("Alpha", a, "1990-01-01"),
                patient("Kept-Changed", kept, "1980-05-06"))));
        assertTrue(out, out.contains("1 created, 1 updated, 0 not stored"));
        assertEquals(1, stored(a).size());
        assertEquals(2, stored(kept).get(0).versionId());
        String audited = latest("PatientImport.transaction").query();
        assertTrue(audited, audited.contains("transaction of 2 entries: 1 created, 1 updated"));
        assertEquals("each patient's trail shows the import", stored(a).get(0).id(),
                latest("PatientImport.create").resourceId());
        assertEquals(stored(kept).get(0).id(), latest("PatientImport.update").resourceId());
        assertTrue(latest("PatientImport.update").query().startsWith("in transaction; transformers: " + TRANSFORMER));
    }

    @Test
    public void aBatchStoresEachEntryOnItsOwnAndBadDocumentsAreRefusedByName() throws Exception {
        String good = mrn();
        String bad = mrn();
        String message = importFailing(file("batch.json", bundle("batch", patient("Gamma", good, "1991-02-03"),
                "{\"resourceType\":\"Observation\",\"status\":\"final\"}", patient("Delta", bad, "not-a-date"))));
        assertTrue(message, message.contains("batch.json#entry[1]") && message.contains("'Observation' is not imported")
                && message.contains("batch.json#entry[2]") && message.contains("Patient.birthDate")
                && message.contains("1 created, 0 updated, 2 not stored"));
        assertFalse("an outcome in words, not a Java class name: " + message, message.contains("Exception:"));
        assertEquals(1, stored(good).size());
        assertEquals(0, stored(bad).size());

        Path bads = Files.createDirectories(folder.resolve("bad"));
        Files.writeString(bads.resolve("a-broken.json"), "{\"resourceType\": \"Patient\", secret-looking-text");
        Files.writeString(bads.resolve("b-observation.json"), "{\"resourceType\":\"Observation\"}");
        Files.writeString(bads.resolve("c-collection.json"), "{\"resourceType\":\"Bundle\",\"type\":\"collection\","
                + "\"entry\":[]}");
        Files.writeString(bads.resolve("ignored.txt"), "not json at all");
        message = importFailing(bads);
        assertTrue(message, message.contains("a-broken.json is not valid JSON (line 1, column")
                && !message.contains("secret-looking-text"));
        assertTrue(message, message.contains("resource type 'Observation' is not imported"));
        assertTrue(message, message.contains("Bundle of type 'collection'"));
        assertTrue(message, !message.contains("ignored.txt") && message.contains("3 not stored"));

        message = importFailing(folder.resolve("no-such-file.json"));
        assertTrue(message, message.contains("is neither a file nor a folder"));
    }

    /**
     * Imports of one new medical record number at the same moment (issue 18): one creates the patient, each other one
     * updates it or is refused with the reason; never a second patient. Several rounds, so that imports overlap in the
     * store (each looks the number up, finds none, and stores).
     */
    @Test
    public void importsOfOneNewNumberAtTheSameMomentMakeOnePatient() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 8; round++) {
                String mrn = mrn();
                CyclicBarrier together = new CyclicBarrier(threads);
                List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Path path = file("same-" + round + "-" + t + ".json", patient("Twin" + t, mrn, "1985-03-04"));
                    results.add(pool.submit(() -> {
                        together.await(30, TimeUnit.SECONDS);
                        try {
                            return importing(path);
                        } catch (Exception refused) {
                            return "refused: " + refused.getMessage();
                        }
                    }));
                }
                int created = 0;
                int others = 0;
                int taken = 0;
                for (Future<String> result : results) {
                    String out = result.get(120, TimeUnit.SECONDS);
                    if (out.contains("CREATED")) {
                        created++;
                    } else {
                        others += out.contains("UPDATED") ? 0 : 1;
                        taken += out.contains("already has this medical record number") ? 1 : 0;
                        assertTrue(out, out.contains("UPDATED") || out.contains("was updated by someone else")
                                || out.contains("already has this medical record number"));
                    }
                }
                assertEquals("one import created the patient", 1, created);
                assertEquals("never a second patient with the number", 1, stored(mrn).size());
                System.out.println("ImportIT round " + round + ": 1 created, " + (threads - 1 - others) + " updated, "
                        + others + " refused (" + taken + " as the number was taken meanwhile)");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void refresh(Bundle bundle) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        context.getBundle(0).adapt(org.osgi.framework.wiring.FrameworkWiring.class).refreshBundles(List.of(bundle),
                event -> done.countDown());
        assertTrue("the refresh ends", done.await(60, TimeUnit.SECONDS));
    }

    @Test
    public void importsWhileTheTransformerIsUpdatedWaitForItAndAreTransformed() throws Exception {
        Bundle transformer = Fixtures.bundle(context, TRANSFORMER);
        File jar = ContainerOptions.bundleFile("carehost-fixture-normalising-transformer");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicBoolean stop = new AtomicBoolean();
        // odd while an update runs; an import that saw it odd at its start or end, or saw it change, overlapped one
        java.util.concurrent.atomic.AtomicInteger updates = new java.util.concurrent.atomic.AtomicInteger();
        List<String> imported = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        LongAdder duringUpdates = new LongAdder();
        try {
            for (int t = 0; t < 2; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String mrn = mrn();
                        int atStart = updates.get();
                        try {
                            String out = importing(file("held-" + thread + "-" + i + ".json",
                                    patient("Held", mrn, "1975-01-02")));
                            int atEnd = updates.get();
                            if (out.contains("CREATED")) {
                                imported.add(mrn);
                                if (atStart % 2 == 1 || atEnd != atStart) {
                                    duringUpdates.increment();
                                }
                            } else {
                                failures.add(out);
                            }
                        } catch (Exception failed) {
                            failures.add("an import failed: " + failed.getMessage());
                        }
                    }
                    return null;
                });
            }
            Await.until("imports run", 30_000, () -> imported.size() >= 2);
            for (int update = 1; update <= 4; update++) {
                int before = imported.size();
                // Felix refreshes an updated bundle's old revision by itself, on its own thread under the global lock;
                // an update of the same bundle while that runs is broken off (Felix interrupts the updater to avoid a
                // deadlock). A refresh asked for here queues behind it, so when it ends the last update's is over.
                refresh(transformer);
                updates.incrementAndGet();
                try (InputStream in = new java.io.FileInputStream(jar)) {
                    transformer.update(in); // stops it for the update and starts it again: a transient stop
                }
                updates.incrementAndGet();
                Await.until("imports run after update " + update, 30_000, () -> imported.size() > before);
            }
        } finally {
            stop.set(true);
            pool.shutdown();
            assertTrue("the importers stop", pool.awaitTermination(120, TimeUnit.SECONDS));
        }
        assertTrue(failures.size() + " imports failed, first: " + failures.stream().limit(3).toList(),
                failures.isEmpty());
        assertTrue("imports ran while the transformer's plugin was being updated", duringUpdates.sum() > 0);
        for (String mrn : imported) {
            assertEquals("stored once, transformed (an untransformed number is not found): " + mrn, 1,
                    stored(mrn).size());
        }
    }
}
