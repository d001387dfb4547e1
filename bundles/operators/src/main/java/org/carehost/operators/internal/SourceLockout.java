package org.carehost.operators.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed logins per source address within the lockout period, in memory on this node (an address hammering one node
 * is refused there; accounts lock in the store, for every node). Bounded: at most 10,000 addresses are tracked, the
 * longest idle forgotten first.
 */
final class SourceLockout {

    private static final int MAX_ADDRESSES = 10_000;

    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    synchronized boolean locked(String address, int max, Duration period, Instant now) {
        Deque<Instant> times = failures.get(address);
        if (times == null) {
            return false;
        }
        prune(times, period, now);
        return times.size() >= max;
    }

    /** Counts a failure; true when it is the one that locks the address ({@code max} reached just now). */
    synchronized boolean fail(String address, int max, Duration period, Instant now) {
        Deque<Instant> times = failures.computeIfAbsent(address, key -> new ArrayDeque<>());
        prune(times, period, now);
        if (times.size() < 1_000) {
            times.addLast(now);
        }
        return times.size() == max;
    }

    private static void prune(Deque<Instant> times, Duration period, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().plus(period).isAfter(now)) {
            times.removeFirst();
        }
    }

    /** The address part of a source such as {@code ssh 127.0.0.1}. */
    static String address(String source) {
        if (source == null) {
            return "unknown";
        }
        int space = source.indexOf(' ');
        return space < 0 ? source : source.substring(space + 1);
    }
}
