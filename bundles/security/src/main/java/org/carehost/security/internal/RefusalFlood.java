package org.carehost.security.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many of a plugin's refusals (those the security manager audits itself: at run time, an event it may not post)
 * are reported one by one. Each reported refusal is a log line, an event and an audit record written on the security
 * manager's one worker: a plugin refused in a tight loop (hundreds of thousands a second, each only a stack walk for
 * it) queued them faster than they were written, without a bound, until the container ran out of memory. Per plugin
 * and second, the first {@link #REPORTED_PER_SECOND} are reported; the rest are counted, and their number is reported
 * with the plugin's next reported refusal. Every call is still refused (the plugin gets its exception each time), and
 * still counts toward the burst alarm; only the reporting is bounded. A flood does not quarantine the plugin by itself:
 * its refusals may be driven from outside it (requests to its endpoint), and the bound is what protects the container.
 */
final class RefusalFlood {

    static final int REPORTED_PER_SECOND = 50;
    private static final long SECOND = 1_000_000_000L;

    /** Whether to report one more refusal, and how many went unreported before it. */
    record Decision(boolean report, long unreportedBefore) {
    }

    private static final Decision COUNT_ONLY = new Decision(false, 0);
    private static final Decision REPORT = new Decision(true, 0);

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
            if (++window[1] > REPORTED_PER_SECOND) {
                window[2]++;
                return COUNT_ONLY;
            }
            long unreported = window[2];
            window[2] = 0;
            return unreported == 0 ? REPORT : new Decision(true, unreported);
        }
    }

    /** The reason to report, with how many refusals before it were counted only. */
    static String withUnreported(String reason, Decision decision) {
        return decision.unreportedBefore() == 0 ? reason : reason + " (and " + decision.unreportedBefore()
                + " refusals of this plugin before it, in a flood, counted but not audited one by one)";
    }
}
