package org.carehost.plugins.internal.calls;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stopping plugin's drain: the stop waits on the plugin's counters' monitor, which every call's end notifies, until
 * no call but the stop's own runs or the plugin's longest deadline has passed (a call is interrupted at its deadline,
 * so only code ignoring interruption outlives it; {@code plugin:top} shows those still running).
 */
final class Drain {

    private Drain() {
    }

    /** One call into the plugin ended (or was never made): a drain waiting on its counters hears of it. */
    static void ended(Counters counter, AtomicLong capped) {
        capped.decrementAndGet();
        synchronized (counter) {
            counter.running.decrementAndGet();
            counter.notifyAll();
        }
    }

    /** Waits until at most {@code own} calls run (the call the stop comes from), or until {@code untilNanos}. */
    static void await(Counters counter, long own, long untilNanos) {
        synchronized (counter) {
            while (counter.running.get() > own) {
                long left = untilNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    counter.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
