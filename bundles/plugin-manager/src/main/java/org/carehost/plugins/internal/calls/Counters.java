package org.carehost.plugins.internal.calls;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.carehost.plugins.PluginCallStats;

/** One plugin's call counters; thread-safe. */
final class Counters {

    final long bundleId;
    final String symbolicName;
    final LongAdder calls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final AtomicLong overrunsInARow = new AtomicLong();
    final AtomicLong running = new AtomicLong();
    final LongAdder cpuNanos = new LongAdder();
    final LongAdder allocatedBytes = new LongAdder();

    Counters(long bundleId, String symbolicName) {
        this.bundleId = bundleId;
        this.symbolicName = symbolicName;
    }

    PluginCallStats snapshot() {
        return new PluginCallStats(bundleId, symbolicName, calls.sum(), failures.sum(), timeouts.sum(),
                overrunsInARow.get(), running.get(), cpuNanos.sum(), allocatedBytes.sum());
    }
}
