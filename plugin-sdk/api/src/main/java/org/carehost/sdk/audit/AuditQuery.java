package org.carehost.sdk.audit;

import java.time.Instant;

/**
 * Which records to read; every criterion given must match. Results come newest first.
 *
 * @param patientId records about this patient; may be null
 * @param plugin records of this plugin (symbolic name); may be null
 * @param user records of this user; may be null
 * @param outcome records with this outcome; may be null
 * @param from recorded at or after; may be null
 * @param to recorded before; may be null
 * @param offset paging
 * @param limit page size, 1 to 1000
 */
public record AuditQuery(String patientId, String plugin, String user, AuditOutcome outcome, Instant from,
        Instant to, int offset, int limit) {

    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be 0 or more, not " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    /** The newest {@code limit} records. */
    public static AuditQuery latest(int limit) {
        return new AuditQuery(null, null, null, null, null, null, 0, limit);
    }
}
