package org.carehost.plugins;

import java.util.List;

/**
 * What the host's calls into one plugin cost, since the container started ({@code plugin:top}, {@code /metrics}).
 *
 * @param bundleId the plugin's bundle id
 * @param symbolicName its symbolic name
 * @param calls calls made (each counts once, whatever its outcome)
 * @param failures calls that threw, overran, or were refused (quarantined, too many running)
 * @param timeouts calls that overran their deadline
 * @param overrunsInARow deadlines overrun since the last call that finished in time
 * @param running calls still running, including overrun ones that have not ended yet
 * @param cpuNanos CPU time of the threads running its calls, in nanoseconds
 * @param allocatedBytes bytes those threads allocated during its calls
 * @param latencyNanos the sum of the calls' latencies as the caller saw them (from the call until it returned, threw
 *        or was given up at its deadline), in nanoseconds; calls refused before they ran do not count
 * @param latencyCounts how many of those calls took at most each of {@link #LATENCY_BOUNDS_SECONDS} (not cumulative:
 *        each call counts in the first bucket it fits), with one more count at the end for the slower ones; as many
 *        counts as bounds plus one
 * @since 1.3 (latencyNanos, latencyCounts)
 */
public record PluginCallStats(long bundleId, String symbolicName, long calls, long failures, long timeouts,
        long overrunsInARow, long running, long cpuNanos, long allocatedBytes, long latencyNanos,
        List<Long> latencyCounts) {

    /** The upper bounds of the latency buckets, in seconds (Prometheus' default buckets). */
    public static final List<Double> LATENCY_BOUNDS_SECONDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
            2.5, 5.0, 10.0);

    public PluginCallStats {
        latencyCounts = List.copyOf(latencyCounts);
        if (latencyCounts.size() != LATENCY_BOUNDS_SECONDS.size() + 1) {
            throw new IllegalArgumentException("latencyCounts needs " + (LATENCY_BOUNDS_SECONDS.size() + 1)
                    + " counts (one per bound and one for slower calls), not " + latencyCounts.size());
        }
    }

    /** Without latencies (before 1.3). */
    public PluginCallStats(long bundleId, String symbolicName, long calls, long failures, long timeouts,
            long overrunsInARow, long running, long cpuNanos, long allocatedBytes) {
        this(bundleId, symbolicName, calls, failures, timeouts, overrunsInARow, running, cpuNanos, allocatedBytes, 0,
                java.util.Collections.nCopies(LATENCY_BOUNDS_SECONDS.size() + 1, 0L));
    }
}
