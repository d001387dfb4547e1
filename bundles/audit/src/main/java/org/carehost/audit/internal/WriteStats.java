package org.carehost.audit.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

import org.carehost.audit.AuditStats;

/** Counts the trail's appends and their latencies in {@link AuditStats#LATENCY_BOUNDS_SECONDS}' buckets; thread-safe. */
final class WriteStats {

    private static final long[] BOUNDS_NANOS = AuditStats.LATENCY_BOUNDS_SECONDS.stream()
            .mapToLong(seconds -> (long) (seconds * 1e9)).toArray();

    private final LongAdder appended = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder[] counts = new LongAdder[BOUNDS_NANOS.length + 1];

    WriteStats() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void appended(long latencyNanos) {
        appended.increment();
        nanos.add(latencyNanos);
        int bucket = 0;
        while (bucket < BOUNDS_NANOS.length && latencyNanos > BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        counts[bucket].increment();
    }

    void failed() {
        failed.increment();
    }

    AuditStats stats(long lag) {
        return new AuditStats(appended.sum(), failed.sum(), lag, nanos.sum(),
                Arrays.stream(counts).map(LongAdder::sum).toList());
    }
}
