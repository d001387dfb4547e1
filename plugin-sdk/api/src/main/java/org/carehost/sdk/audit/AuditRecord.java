package org.carehost.sdk.audit;

import java.time.Instant;

/**
 * One record of the trail. Records are append-only and chained: {@code hash} is the SHA-256 of the
 * previous record's hash and this record's canonical form, so a change, deletion, insertion or reordering
 * breaks the chain from that record on.
 *
 * @param sequence position in the trail, from 1, without gaps
 * @param recorded when (UTC)
 * @param node which container node recorded it
 * @param plugin symbolic name of the acting plugin (or {@code container} / {@code operator})
 * @param pluginVersion its version
 * @param user acting user, when the call carried one; may be null
 * @param purposeOfUse purpose of use (HL7 v3 code, e.g. {@code TREAT}), when the call carried one; may be null
 * @param tenant the hospital whose data it was, when the call ran in a care context; may be null
 * @param roles the acting user's roles, comma-separated; may be null
 * @param correlationId ties together the records of one piece of work; may be null
 * @param breakGlass the stated reason, when this was emergency (break-glass) access; null otherwise
 * @param action what kind of access
 * @param operation the service operation, e.g. {@code PatientService.get}
 * @param resourceType e.g. {@code Patient}; may be null
 * @param resourceId the resource's id; may be null
 * @param patientId whose data it is; may be null
 * @param query the search criteria, for searches; may be null
 * @param outcome how it ended
 * @param reason why it failed or was denied, or a plugin's own detail; may be null
 * @param previousHash the hash of record {@code sequence - 1} (64 zeros for the first)
 * @param hash this record's hash (hex)
 */
public record AuditRecord(long sequence, Instant recorded, String node, String plugin, String pluginVersion,
        String user, String purposeOfUse, String tenant, String roles, String correlationId, String breakGlass,
        AuditAction action, String operation, String resourceType,
        String resourceId, String patientId, String query, AuditOutcome outcome, String reason,
        String previousHash, String hash) {

    /** A record without care context (as before 1.1). */
    public AuditRecord(long sequence, Instant recorded, String node, String plugin, String pluginVersion,
            String user, String purposeOfUse, AuditAction action, String operation, String resourceType,
            String resourceId, String patientId, String query, AuditOutcome outcome, String reason,
            String previousHash, String hash) {
        this(sequence, recorded, node, plugin, pluginVersion, user, purposeOfUse, null, null, null, null, action,
                operation, resourceType, resourceId, patientId, query, outcome, reason, previousHash, hash);
    }

    /** True when this record was emergency (break-glass) access. */
    public boolean isBreakGlass() {
        return breakGlass != null;
    }
}
