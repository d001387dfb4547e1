package org.carehost.audit.internal;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.carehost.audit.AuditEvent;
import org.carehost.sdk.audit.AuditRecord;

/**
 * Turns a batch of events into records chained after a given head: sequence, time, node, previous hash and hash.
 * Not thread-safe (one digest): only the writer of the current batch uses it.
 */
final class ChainLinks {

    private final String node;
    private final Clock clock;
    private final MessageDigest sha256 = Chain.sha256();

    ChainLinks(String node, Clock clock) {
        this.node = node;
        this.clock = clock;
    }

    /** The batch's records, chained after {@code after}; their canonical forms go to {@code canonical} if given. */
    List<AuditRecord> after(AuditRows.Head after, List<AuditEvent> batch, List<String> canonical) {
        List<AuditRecord> records = new ArrayList<>(batch.size());
        long sequence = after.sequence();
        String previous = after.hash();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (AuditEvent raw : batch) {
            AuditEvent event = Fit.columns(raw);
            AuditRecord unhashed = record(++sequence, now, event, previous, null);
            String form = Chain.canonical(unhashed);
            String hash = Chain.hashCanonical(sha256, previous, form);
            records.add(record(sequence, now, event, previous, hash));
            if (canonical != null) {
                canonical.add(form);
            }
            previous = hash;
        }
        return records;
    }

    private AuditRecord record(long sequence, Instant now, AuditEvent event, String previous, String hash) {
        return new AuditRecord(sequence, now, node, event.plugin(), event.pluginVersion(), event.user(),
                event.purposeOfUse(), event.tenant(), event.roles(), event.correlationId(), event.breakGlass(),
                event.action(), event.operation(), event.resourceType(), event.resourceId(), event.patientId(),
                event.query(), event.outcome(), event.reason(), previous, hash);
    }

    /** The head after {@code records} (non-empty). */
    static AuditRows.Head headAfter(List<AuditRecord> records) {
        AuditRecord last = records.get(records.size() - 1);
        return new AuditRows.Head(last.sequence(), last.hash());
    }
}
