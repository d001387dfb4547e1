package org.carehost.audit.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditRecord;

/** Chained records of the shape the services write, for the tests of this package. */
final class TestRecords {

    private TestRecords() {
    }

    /** {@code count} records from sequence {@code first}, chained after {@code previous}. */
    static List<AuditRecord> chain(long first, int count, String previous) {
        List<AuditRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AuditRecord unhashed = new AuditRecord(first + i, Instant.ofEpochMilli(1_700_000_000_000L + i), "node-1",
                    "org.example.plugin", "1.0.0", i % 2 == 0 ? null : "dr;lee:1", null, AuditAction.READ,
                    "PatientService.get", "Patient", "p-" + i, "p-" + i % 7, "name=Ö;\nx", AuditOutcome.SUCCESS, null,
                    previous, null);
            String hash = Chain.hash(previous, unhashed);
            records.add(new AuditRecord(unhashed.sequence(), unhashed.recorded(), unhashed.node(), unhashed.plugin(),
                    unhashed.pluginVersion(), unhashed.user(), null, unhashed.action(), unhashed.operation(),
                    unhashed.resourceType(), unhashed.resourceId(), unhashed.patientId(), unhashed.query(),
                    unhashed.outcome(), null, previous, hash));
            previous = hash;
        }
        return records;
    }
}
