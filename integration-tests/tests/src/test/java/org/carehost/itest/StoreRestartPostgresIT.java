package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.AuditUnavailableException;
import org.carehost.sdk.audit.Verification;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientService;
import org.carehost.store.Store;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;

/**
 * The PostgreSQL server restarts while the container is under load (.ci/postgres restart: a fast stop, which cuts
 * every open connection, then a start on the same data). Calls fail closed while it is down; afterwards they succeed
 * again without a container restart (the pool replaced its dead connections), and every audit record acknowledged
 * before, during or after the restart is in the trail with its hash, which verifies. Runs when
 * {@code CAREHOST_TEST_POSTGRES_URL} and {@code CAREHOST_TEST_POSTGRES_RESTART} are set (.ci/postgres start prints both).
 */
@RunWith(PaxExam.class)
public class StoreRestartPostgresIT {

    private static final int WRITERS = 4;
    private static final int READERS = 2;

    @Inject
    AuditLog audit;

    @Inject
    PatientService patients;

    @Inject
    Store store;

    @Configuration
    public Option[] config() throws IOException {
        String url = System.getenv("CAREHOST_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("CAREHOST_TEST_POSTGRES_URL is not set");
        }
        return new Option[] {ContainerOptions.hostServices(Fixtures.workFolder("carehost-itest-restart").toFile(), url)};
    }

    @Test
    public void callsRecoverAfterADatabaseRestartAndNoAcknowledgedRecordIsLost() throws Exception {
        String restart = System.getenv("CAREHOST_TEST_POSTGRES_RESTART");
        assertTrue("CAREHOST_TEST_POSTGRES_RESTART is not set (.ci/postgres start prints it)", restart != null && !restart.isBlank());
        Patient patient = patients.create(Patient.builder().addName(HumanName.official("Restart", "Rita"))
                .birthDate(LocalDate.of(1980, 2, 3)).build());

        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        AtomicLong reads = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            int writer = i;
            threads.add(new Thread(() -> {
                while (running.get()) {
                    try {
                        AuditRecord record = audit.append(new AuditEvent("restart-it", "1.0", "writer-" + writer, null,
                                AuditAction.EXECUTE, "restart-load", null, null, null, null, AuditOutcome.SUCCESS, null));
                        acknowledged.put(record.sequence(), record.hash());
                    } catch (AuditUnavailableException e) {
                        refused.incrementAndGet(); // fail closed while the database is away
                    } catch (RuntimeException e) {
                        unexpected.add(e);
                    }
                }
            }));
        }
        for (int i = 0; i < READERS; i++) {
            threads.add(new Thread(() -> {
                while (running.get()) {
                    try {
                        assertEquals(patient.id(), patients.get(patient.id()).id());
                        reads.incrementAndGet();
                    } catch (RuntimeException e) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        try {
            Await.until("records are acknowledged before the restart", 60_000, () -> acknowledged.size() >= 200);
            Process process = new ProcessBuilder("sh", "-c", restart).redirectErrorStream(true)
                    .redirectOutput(java.nio.file.Files.createTempFile("carehost-pg-restart", ".log").toFile()).start();
            assertTrue("the PostgreSQL restart finished", process.waitFor(120, TimeUnit.SECONDS));
            assertEquals("the PostgreSQL restart succeeded (its output is in carehost-pg-restart*.log in the temp folder)", 0, process.exitValue());
            int before = acknowledged.size();
            long readsBefore = reads.get();
            // The server is back: the same container serves audited reads and appends again.
            Await.until("records are acknowledged after the restart", 60_000, () -> acknowledged.size() >= before + 200);
            Await.until("patient reads succeed after the restart", 60_000, () -> reads.get() >= readsBefore + 50);
        } finally {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
        }
        assertTrue("only refusals, no other failure: " + unexpected, unexpected.isEmpty());

        // Every acknowledged record is in the database, as acknowledged, and the trail verifies.
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT hash FROM audit_record WHERE seq = ?")) {
            for (Map.Entry<Long, String> record : acknowledged.entrySet()) {
                select.setLong(1, record.getKey());
                try (ResultSet row = select.executeQuery()) {
                    assertTrue("acknowledged record " + record.getKey() + " is in the trail", row.next());
                    assertEquals("record " + record.getKey() + " as acknowledged", record.getValue(), row.getString(1));
                }
            }
        }
        Verification verification = audit.verify();
        assertTrue("the trail verifies after the restart: " + verification.problem(), verification.intact());
        System.out.printf("StoreRestartPostgresIT: %d records acknowledged, %d reads, %d calls refused while the database"
                + " was away%n", acknowledged.size(), reads.get(), refused.get());
    }
}
