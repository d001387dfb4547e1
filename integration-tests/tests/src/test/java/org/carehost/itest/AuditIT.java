package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.UUID;

import javax.inject.Inject;

import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditEntry;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.AuditService;
import org.carehost.sdk.audit.Verification;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.store.Store;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/** Every host-service call is in the trail before it returns; the trail refuses to lie. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class AuditIT {

    @Inject
    PatientService patients;

    @Inject
    AuditService auditService;

    @Inject
    AuditLog audit;

    @Inject
    Store store;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("audit")};
    }

    private Patient newPatient() {
        return patients.create(Patient.builder().addName(HumanName.official("Audit", "Ann"))
                .addIdentifier(Identifier.mrn("urn:test", "A-" + UUID.randomUUID().toString().substring(0, 8)))
                .birthDate(LocalDate.of(1970, 1, 1)).build());
    }

    private AuditRecord latest() {
        return audit.query(AuditQuery.latest(1)).items().get(0);
    }

    @Test
    public void everyCallIsRecordedWithWhoWhatWhenAndOutcome() {
        Patient patient = newPatient();
        AuditRecord created = latest();
        assertEquals(AuditAction.CREATE, created.action());
        assertEquals("PatientService.create", created.operation());
        assertEquals(patient.id(), created.patientId());
        assertEquals(AuditOutcome.SUCCESS, created.outcome());
        assertTrue(created.plugin(), created.plugin().startsWith("PAXEXAM-PROBE"));

        patients.get(patient.id());
        AuditRecord read = latest();
        assertEquals(AuditAction.READ, read.action());
        assertEquals(created.sequence() + 1, read.sequence());
        assertEquals(created.hash(), read.previousHash());

        patients.search(PatientQuery.builder().name("Aud").build());
        // Search terms are recorded as keyed hashes: matchable with the key, no name in the trail in the clear.
        String query = latest().query();
        assertTrue(query, query.contains("name=h1."));
        assertFalse(query, query.toLowerCase().contains("name=aud")); // (the hash itself may hold those letters)

        try {
            patients.get("missing");
            fail();
        } catch (ResourceNotFoundException expected) {
            assertEquals(AuditOutcome.ERROR, latest().outcome());
            assertEquals("missing", latest().resourceId());
        }
        try {
            patients.create(Patient.builder().build());
            fail();
        } catch (ValidationException expected) {
            assertEquals(AuditOutcome.ERROR, latest().outcome());
            assertTrue(latest().reason(), latest().reason().contains("at least one name"));
        }

        AuditRecord own = auditService.record(new AuditEntry(AuditAction.EXECUTE, "report.sent", "Patient",
                patient.id(), patient.id(), AuditOutcome.SUCCESS, "sent to registry"));
        assertEquals(own.sequence(), latest().sequence());
        try {
            auditService.record(new AuditEntry(AuditAction.EXECUTE, "x".repeat(101), null, null, null, AuditOutcome.SUCCESS,
                    "line\nbreak"));
            fail("an oversized entry with control characters was recorded");
        } catch (ValidationException expected) {
            assertEquals(2, expected.issues().size());
        }
        assertEquals(own.sequence(), latest().sequence());
        assertTrue(audit.verify().intact());
    }

    @Test
    public void aDatabaseOutageLosesNoAcknowledgedRecord() throws Exception {
        Patient patient = newPatient();
        long before = latest().sequence();
        // The journal acknowledges; the database copy waits until the table is back.
        Sql.execute(store, "ALTER TABLE audit_record RENAME TO audit_record_away");
        try {
            assertEquals(patient.id(), patients.get(patient.id()).id());
            assertEquals(patient.id(), patients.get(patient.id()).id());
        } finally {
            Sql.execute(store, "ALTER TABLE audit_record_away RENAME TO audit_record");
        }
        AuditRecord last = latest();
        assertEquals("both reads are in the trail", before + 2, last.sequence());
        assertEquals("PatientService.get", last.operation());
        assertTrue("the chain goes on intact", audit.verify().intact());
    }

    @Test
    public void changedDeletedInsertedAndSwappedRecordsAreEachCaught() throws Exception {
        for (int i = 0; i < 5; i++) {
            newPatient();
        }
        long last = latest().sequence();
        assertTrue(audit.verify().intact());

        Sql.execute(store, "UPDATE audit_record SET operation = 'PatientService.search' WHERE seq = 3");
        assertBroken(3, "changed");
        Sql.execute(store, "UPDATE audit_record SET operation = 'PatientService.create' WHERE seq = 3");
        assertTrue("restored", audit.verify().intact());

        Sql.execute(store, "CREATE TABLE audit_backup AS SELECT * FROM audit_record");
        Sql.execute(store, "DELETE FROM audit_record WHERE seq = 4");
        assertBroken(4, "missing");
        restore();

        Sql.execute(store, "UPDATE audit_record SET seq = -1 WHERE seq = 2");
        Sql.execute(store, "UPDATE audit_record SET seq = 2 WHERE seq = 3");
        Sql.execute(store, "UPDATE audit_record SET seq = 3 WHERE seq = -1");
        assertBroken(2, "does not follow");
        restore();

        Sql.execute(store, "INSERT INTO audit_record SELECT seq + 1000, recorded_at, node, plugin, plugin_version, user_id, purpose, "
                + "action, operation, resource_type, resource_id, patient_id, query_text, outcome, reason, prev_hash, hash, "
                + "tenant, roles, correlation_id, break_glass FROM audit_record WHERE seq = " + last);
        assertBroken(last + 1, "missing");
        restore();

        audit.checkpoint();
        Sql.execute(store, "DELETE FROM audit_record WHERE seq = " + last);
        assertBroken(last, "cut off");
        restore();

        // Someone with database access rewrites record 2 and recomputes every hash after it: the chain alone
        // verifies, the signed checkpoint does not.
        Sql.execute(store, "UPDATE audit_record SET operation = 'PatientService.search' WHERE seq = 2");
        rehashFrom(2);
        // Were the rewrite visible in the chain, verify would stop at record 2 ("changed"); it stops at the checkpoint.
        assertBroken(last, "rewritten");
    }

    /** The attacker's side: recompute the chain with the documented hash (SHA-256 of previous hash and canonical form). */
    private void rehashFrom(long first) throws Exception {
        try (Connection connection = store.connection()) {
            String previous;
            try (var select = connection.prepareStatement("SELECT hash FROM audit_record WHERE seq = ?")) {
                select.setLong(1, first - 1);
                try (var row = select.executeQuery()) {
                    row.next();
                    previous = row.getString(1);
                }
            }
            java.util.List<AuditRecord> oldestFirst = new java.util.ArrayList<>(audit.query(AuditQuery.latest(1000)).items());
            java.util.Collections.reverse(oldestFirst);
            for (AuditRecord record : oldestFirst) {
                if (record.sequence() < first) {
                    continue;
                }
                java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                sha.update(previous.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                sha.update(canonical(record).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                String hash = java.util.HexFormat.of().formatHex(sha.digest());
                try (var update = connection.prepareStatement("UPDATE audit_record SET prev_hash = ?, hash = ? WHERE seq = ?")) {
                    update.setString(1, previous);
                    update.setString(2, hash);
                    update.setLong(3, record.sequence());
                    update.executeUpdate();
                }
                previous = hash;
            }
        }
    }

    private static String canonical(AuditRecord r) {
        StringBuilder text = new StringBuilder();
        for (String value : new String[] {Long.toString(r.sequence()), Long.toString(r.recorded().toEpochMilli()), r.node(),
                r.plugin(), r.pluginVersion(), r.user(), r.purposeOfUse(), r.action().code(), r.operation(),
                r.resourceType(), r.resourceId(), r.patientId(), r.query(), r.outcome().name(), r.reason()}) {
            text.append(value == null ? "-;" : value.length() + ":" + value + ";");
        }
        if (r.tenant() != null || r.roles() != null || r.correlationId() != null || r.breakGlass() != null) {
            for (String value : new String[] {"ctx", r.tenant(), r.roles(), r.correlationId(), r.breakGlass()}) {
                text.append(value == null ? "-;" : value.length() + ":" + value + ";");
            }
        }
        return text.toString();
    }

    private void restore() throws Exception {
        Sql.execute(store, "DELETE FROM audit_record");
        Sql.execute(store, "INSERT INTO audit_record SELECT * FROM audit_backup");
        assertTrue(audit.verify().intact());
    }

    private void assertBroken(long sequence, String problem) {
        Verification result = audit.verify();
        assertFalse(result.intact());
        assertEquals(result.toString(), sequence, result.firstBadSequence());
        assertTrue(result.problem(), result.problem().contains(problem));
    }

}
