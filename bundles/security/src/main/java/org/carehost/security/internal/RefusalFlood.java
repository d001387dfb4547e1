package org.carehost.security.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many of a plugin's run-time refusals are reported one by one. Each reported refusal is a log line, an event and
 * an audit record written on the security manager's one worker: a plugin refused in a tight loop (hundreds of
 * thousands a second, each only a stack walk for it) queued them faster than they were written, without a bound,
 * until the container ran out of memory. Per plugin and second: the first {@link #REPORTED_PER_SECOND} are reported;
 * the rest are counted, and their number is reported with the plugin's next reported refusal; a plugin refused more
 * than {@link #FLOOD_PER_SECOND} times within a second is quarantined, once, for the flood. Every call is still refused
 * (the plugin gets its exception each time); only the reporting is bounded.
 */
final class RefusalFlood {

    static final int REPORTED_PER_SECOND = 50;
    static final int FLOOD_PER_SECOND = 1_000;
    private static final long SECOND = 1_000_000_000L;

    /** What to do with one more refusal. */
    record Decision(boolean report, long unreportedBefore, boolean flood) {
    }

    private static final Decision COUNT_ONLY = new Decision(false, 0, false);

    /** Per plugin: {second's start, refusals this second, refusals counted and not yet reported}. */
    private final ConcurrentHashMap<Long, long[]> windows = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RefusalFlood(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    Decision admit(long plugin) {
        long now = nanoTime.getAsLong();
        long[] window = windows.computeIfAbsent(plugin, id -> new long[] {now, 0, 0});
        synchronized (window) {
            if (now - window[0] >= SECOND) {
                window[0] = now;
                window[1] = 0;
            }
            long count = ++window[1];
            if (count <= REPORTED_PER_SECOND) {
                long unreported = window[2];
                window[2] = 0;
                return unreported == 0 ? new Decision(true, 0, false) : new Decision(true, unreported, false);
            }
            window[2]++;
            return count == FLOOD_PER_SECOND + 1 ? new Decision(false, 0, true) : COUNT_ONLY;
        }
    }
}
