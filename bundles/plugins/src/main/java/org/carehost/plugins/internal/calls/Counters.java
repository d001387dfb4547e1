package org.carehost.plugins.internal.calls;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.carehost.plugins.PluginCallStats;

/** One plugin's call counters; thread-safe. */
final class Counters {

    private static final long[] BOUNDS_NANOS = PluginCallStats.LATENCY_BOUNDS_SECONDS.stream()
            .mapToLong(seconds -> (long) (seconds * 1e9)).toArray();

    final long bundleId;
    final String symbolicName;
    final LongAdder calls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final AtomicLong overrunsInARow = new AtomicLong();
    /** Every call running (the drain waits for none, plugin:top shows it). */
    final AtomicLong running = new AtomicLong();
    /** Of those, event handler calls, and the others: each kind capped apart. */
    final AtomicLong eventsRunning = new AtomicLong();
    final AtomicLong othersRunning = new AtomicLong();
    final LongAdder cpuNanos = new LongAdder();
    final LongAdder allocatedBytes = new LongAdder();
    final LongAdder latencyNanos = new LongAdder();
    private final LongAdder[] latencyCounts = new LongAdder[BOUNDS_NANOS.length + 1];

    Counters(long bundleId, String symbolicName) {
        this.bundleId = bundleId;
        this.symbolicName = symbolicName;
        for (int i = 0; i < latencyCounts.length; i++) {
            latencyCounts[i] = new LongAdder();
        }
    }

    /** Counts one call's latency in its bucket. */
    void latency(long nanos) {
        latencyNanos.add(nanos);
        int bucket = 0;
        while (bucket < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        latencyCounts[bucket].increment();
    }

    PluginCallStats snapshot() {
        return new PluginCallStats(bundleId, symbolicName, calls.sum(), failures.sum(), timeouts.sum(),
                overrunsInARow.get(), running.get(), cpuNanos.sum(), allocatedBytes.sum(), latencyNanos.sum(),
                Arrays.stream(latencyCounts).map(LongAdder::sum).toList());
    }
}
