package org.carehost.plugins;

/**
 * What the host's calls into one plugin cost, since the container started ({@code plugin:top}).
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
 */
public record PluginCallStats(long bundleId, String symbolicName, long calls, long failures, long timeouts,
        long overrunsInARow, long running, long cpuNanos, long allocatedBytes) {
}
