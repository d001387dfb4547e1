package org.carehost.operators.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.clock.ContainerClock;
import org.carehost.operators.Refusals;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link Refusals}: a budget per source address and fixed time window ({@code refusalWindowSeconds}): the first
 * {@code refusalsPerAddress} refusals of an address in a window are written one by one (and at most 20 times that
 * across all addresses, so that many addresses cannot fill the trail either); the rest are counted, by operation,
 * and written when the window ends (or the bundle stops) as one summary record (operation {@code refused.summary}) per
 * address that had records of its own, plus one for all the addresses the overall cap kept out. So a window writes
 * at most 40 times the budget plus one records, however many addresses flood. At most 10,000 addresses are counted
 * separately in a window; beyond that they count in the shared summary, which still counts how many addresses they
 * were: exactly up to 100,000 more (a 64-bit hash of each, a few megabytes at most), "more than" that beyond. In
 * memory, per node.
 *
 * <p>Written here rather than taken from a rate-limiting library because what matters is the summary record of what
 * was not written one by one; a limiter only drops.
 */
@Component(configurationPid = "org.carehost.operators", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class RefusalAudit implements Refusals {

    static final String SUMMARY = "refused.summary";
    private static final int MAX_ADDRESSES = 10_000;
    /** Distinct addresses past {@link #MAX_ADDRESSES} counted exactly in a window; beyond, the count is a floor. */
    static final int MAX_OVERFLOW_ADDRESSES = 100_000;
    private static final String OTHERS = "(other addresses)";

    private static final class Count {
        int written;
        final Map<String, Integer> suppressed = new TreeMap<>();

        int suppressedTotal() {
            return suppressed.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final AuditLog log;
    private final Clock clock;
    private volatile int perAddress;
    private volatile long windowMillis;
    private final ScheduledExecutorService flusher;
    private Map<String, Count> window = new LinkedHashMap<>();
    /** The addresses of this window past {@link #MAX_ADDRESSES}, as 64-bit hashes: counted, not kept. */
    private Set<Long> overflow = new HashSet<>();
    private boolean overflowSaturated;
    private long windowStart;
    private int writtenInWindow;

    @Activate
    public RefusalAudit(@Reference AuditLog log, @Reference(target = ContainerClock.TARGET) Clock clock,
            OperatorsConfiguration configuration) {
        this(log, clock, configuration.refusalsPerAddress(), configuration.refusalWindowSeconds());
    }

    RefusalAudit(AuditLog log, Clock clock, int perAddress, int windowSeconds) {
        this.log = log;
        this.clock = clock;
        this.perAddress = perAddress;
        this.windowMillis = windowSeconds * 1000L;
        this.windowStart = clock.millis();
        this.flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(null, runnable, "carehost-refusal-summaries", 0, false);
            thread.setDaemon(true);
            return thread;
        });
        // checks once a second whether the window is over, so a summary is not held back until the next refusal
        flusher.scheduleWithFixedDelay(() -> roll(clock.millis(), false), 1, 1, TimeUnit.SECONDS);
    }

    @Modified
    void modified(OperatorsConfiguration configuration) {
        this.perAddress = configuration.refusalsPerAddress();
        this.windowMillis = configuration.refusalWindowSeconds() * 1000L;
    }

    @Deactivate
    void deactivate() {
        flusher.shutdownNow();
        roll(clock.millis(), true);
    }

    @Override
    public void refused(String source, String user, String operation, String detail) {
        long now = clock.millis();
        roll(now, false);
        String address = SourceLockout.address(source);
        synchronized (this) {
            Count count = window.get(address);
            if (count == null) {
                if (window.size() >= MAX_ADDRESSES) {
                    countOverflow(address);
                    address = OTHERS;
                }
                count = window.computeIfAbsent(address, key -> new Count());
            }
            if (count.written >= perAddress || writtenInWindow >= perAddress * 20 || address.equals(OTHERS)) {
                count.suppressed.merge(operation, 1, Integer::sum);
                return;
            }
            count.written++;
            writtenInWindow++;
        }
        write(user == null ? "(unknown)" : user, operation, source, detail);
    }

    /** Ends the window when it is over (or always, when stopping): one summary record per address with suppressions. */
    void roll(long now, boolean always) {
        Map<String, Count> ended;
        long start;
        int overflowAddresses;
        boolean saturated;
        synchronized (this) {
            if (!always && now - windowStart < windowMillis) {
                return;
            }
            ended = window;
            start = windowStart;
            overflowAddresses = overflow.size();
            saturated = overflowSaturated;
            window = new LinkedHashMap<>();
            overflow = new HashSet<>();
            overflowSaturated = false;
            windowStart = now;
            writtenInWindow = 0;
        }
        // Addresses with records of their own get a summary each (at most 20 times the budget of them); the rest,
        // which the window's overall cap kept out of the trail altogether, share one summary.
        Map<String, Integer> others = new TreeMap<>();
        int otherAddresses = 0;
        for (Map.Entry<String, Count> entry : ended.entrySet()) {
            Count count = entry.getValue();
            int total = count.suppressedTotal();
            if (total == 0) {
                continue;
            }
            if (count.written > 0) {
                write("(unknown)", SUMMARY, "refusals " + entry.getKey(), total + " more refusals from "
                        + entry.getKey() + " between " + Instant.ofEpochMilli(start) + " and " + Instant.ofEpochMilli(now)
                        + ", not written one by one: " + count.suppressed);
            } else {
                // the shared entry stands for every address past the tracked ones, each counted once
                otherAddresses += entry.getKey().equals(OTHERS) ? overflowAddresses : 1;
                count.suppressed.forEach((operation, n) -> others.merge(operation, n, Integer::sum));
            }
        }
        if (!others.isEmpty()) {
            int total = others.values().stream().mapToInt(Integer::intValue).sum();
            write("(unknown)", SUMMARY, "refusals " + OTHERS, total + " refusals from " + (saturated ? "more than " : "")
                    + otherAddresses + " more "
                    + "addresses between " + Instant.ofEpochMilli(start) + " and " + Instant.ofEpochMilli(now)
                    + ", none written one by one (the window's cap was reached): " + others);
        }
    }

    /** Counts one more distinct address past the tracked ones (called holding the lock). */
    private void countOverflow(String address) {
        long hash = hash64(address);
        if (overflow.size() < MAX_OVERFLOW_ADDRESSES) {
            overflow.add(hash);
        } else if (!overflow.contains(hash)) {
            overflowSaturated = true;
        }
    }

    /** FNV-1a, 64 bits: distinct addresses collide with a chance near 1 in 10^9 at 100,000 of them. */
    static long hash64(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private void write(String user, String operation, String source, String detail) {
        log.append(new AuditEvent(OperatorAudit.PLUGIN, null, user, null, null, null, null, null, AuditAction.EXECUTE,
                operation, "Request", null, null, source, AuditOutcome.DENIED, detail));
    }
}
