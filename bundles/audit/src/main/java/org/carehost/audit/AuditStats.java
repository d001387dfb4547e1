package org.carehost.audit;

import java.util.List;

/**
 * How the audit trail's writes are doing since the container started ({@code /metrics}).
 *
 * @param appended records made durable (acknowledged to their callers)
 * @param failed appends that failed (the callers got an {@code AuditUnavailableException})
 * @param journalLag records acknowledged (durable in the journal) that the database copy does not show yet; always 0
 *        where records are committed to the database directly (PostgreSQL)
 * @param writeNanos the sum of the appends' latencies (from the call until the record was durable), in nanoseconds
 * @param writeLatencyCounts how many appends took at most each of {@link #LATENCY_BOUNDS_SECONDS} (not cumulative),
 *        with one more count at the end for the slower ones
 * @since 2.1
 */
public record AuditStats(long appended, long failed, long journalLag, long writeNanos, List<Long> writeLatencyCounts) {

    /** The upper bounds of the latency buckets, in seconds. */
    public static final List<Double> LATENCY_BOUNDS_SECONDS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    public AuditStats {
        writeLatencyCounts = List.copyOf(writeLatencyCounts);
    }
}
