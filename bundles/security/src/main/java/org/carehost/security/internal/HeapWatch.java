package org.carehost.security.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;

/**
 * The heap as a whole, since Java cannot bound one plugin's. Red team 9: a plugin with no permission kept what it
 * allocated, under its allocation-rate budget, until the heap was full; then every container thread died of an
 * {@link OutOfMemoryError}, the handler meant to report it among them (it needs memory to print), and the process ended
 * with status 1 and no line saying why. So the heap is watched before it is full, with the JVM's own signal: a usage
 * threshold on each heap pool that has one (the old generation: {@value #QUARANTINE_PERCENT} % of its maximum), whose
 * notification wakes a thread of this class's, started beforehand (and which also looks every 5 s). What is in use
 * then may be garbage, so the watcher asks for a collection (at most one each {@value #CONFIRM_SECONDS} s) and goes by
 * what is still in use after it:
 * <ul>
 * <li>Over {@value #QUARANTINE_PERCENT} %: the plugin whose work allocated the most over the last minute
 * ({@link BudgetWatch#recentAllocations}; the likeliest to be what fills the heap, though not proof) is quarantined:
 * its threads interrupted, stopped, and kept stopped across restarts. Once per plugin.</li>
 * <li>Still over {@value #STOP_PERCENT} % after a collection asked for here: the container stops cleanly with exit status
 * {@value #EXIT_STATUS} (the launcher's status for a fatal error) and one line naming the heap and the plugin, before
 * memory runs out: a supervisor restarts it, and the quarantine keeps the plugin stopped. A reserve held from the start
 * is let go first, for the stop's own allocations.</li>
 * </ul>
 * Written here: no library watches a JVM heap against OSGi bundles; the JDK's {@code MemoryPoolMXBean} thresholds are
 * the signal (the old generation of the serial, parallel and G1 collectors has both kinds). A collection the watcher
 * asks for counts only if a collector's count moved ({@code -XX:+DisableExplicitGC} makes it a no-op): else it waits for
 * the JVM's own collection-usage notification. The reserve matters on small heaps only (8 MB, or 1/64 of the heap).
 */
final class HeapWatch implements NotificationListener {

    static final int QUARANTINE_PERCENT = 85;
    static final int STOP_PERCENT = 95;
    static final int EXIT_STATUS = 3;
    /** The least time between two collections the watcher asks for. */
    static final int CONFIRM_SECONDS = 10;
    /**
     * The share of the heap's maximum a plugin's work must have allocated over the last minute to be named: a
     * bystander's trickle is no sign of filling it, and one quarantine must not lead to the next plugin's while the heap
     * stays full for another reason.
     */
    private static final int NAMED_AT_LEAST_PERCENT = 10;

    /** What the heap watch does with a plugin it names. */
    interface Quarantiner {
        void quarantine(Bundle plugin, String reason);

        /** The quarantine is not kept: the plugin was named on allocation alone, and that did not hold up. */
        void release(Bundle plugin);
    }

    /** What a named plugin allocated at a look since its quarantine, or -1 if there was no look since. */
    interface LaterAllocation {
        long since(Bundle plugin, long nanos);
    }

    private final Supplier<Map<Bundle, Long>> recentAllocations;
    private final LaterAllocation later;
    private final Quarantiner quarantiner;
    private final Logger logger;
    private final Runnable exit;
    private final Runnable beforeExit;
    private final List<MemoryPoolMXBean> pools = new ArrayList<>();
    private final Object signal = new Object();
    /** The plugins named (quarantined), by bundle id, with when ({@link System#nanoTime}); the watcher's alone. */
    private final Map<Long, Named> named = new java.util.HashMap<>();

    private record Named(Bundle plugin, long at) {
    }
    private volatile boolean exceeded;
    /** Set by a collection-usage notification: what is in use after a real collection is over the threshold. */
    private volatile boolean collected;
    private volatile boolean running = true;
    /** Let go before the stop: its allocations need room when the heap is all but full. */
    private byte[] reserve;
    private Thread watcher;
    private long heapMax;
    private long lastConfirm = System.nanoTime() - TimeUnit.SECONDS.toNanos(CONFIRM_SECONDS);

    /**
     * {@code beforeExit}: waits (bounded) until the quarantine is recorded, so that the next start keeps the plugin
     * stopped; {@code exit}: ends the process with {@link #EXIT_STATUS} (the launcher's shutdown hook stops the
     * container).
     */
    HeapWatch(Supplier<Map<Bundle, Long>> recentAllocations, LaterAllocation later, Quarantiner quarantiner,
            Logger logger, Runnable beforeExit, Runnable exit) {
        this.recentAllocations = recentAllocations;
        this.later = later;
        this.quarantiner = quarantiner;
        this.logger = logger;
        this.beforeExit = beforeExit;
        this.exit = exit;
    }

    void start() {
        long max = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            long poolMax = pool.getUsage() == null ? -1 : pool.getUsage().getMax();
            if (pool.getType() == MemoryType.HEAP && pool.isUsageThresholdSupported()
                    && pool.isCollectionUsageThresholdSupported() && poolMax > 0) {
                pool.setUsageThreshold(poolMax * QUARANTINE_PERCENT / 100);
                pool.setCollectionUsageThreshold(poolMax * QUARANTINE_PERCENT / 100);
                pools.add(pool);
                max = Math.max(max, poolMax);
            }
        }
        if (pools.isEmpty()) {
            logger.warn("Security: no heap pool of this JVM has usage thresholds; the heap is not watched");
            return;
        }
        heapMax = max;
        reserve = new byte[(int) Math.min(8L * 1024 * 1024, max / 64)]; // 8 MB: resident, so kept small
        ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(this, null, null);
        watcher = new Thread(this::watch, "carehost-heap-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    void stop() {
        running = false;
        if (watcher == null) {
            return;
        }
        try {
            ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).removeNotificationListener(this);
        } catch (javax.management.ListenerNotFoundException | RuntimeException gone) {
            // not registered
        }
        watcher.interrupt();
    }

    /** On the JVM's notification thread: only wakes the watcher (no allocation of note, no plugin code). */
    @Override
    public void handleNotification(Notification notification, Object handback) {
        boolean afterCollection = MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED
                .equals(notification.getType());
        if (afterCollection || MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(notification.getType())) {
            collected |= afterCollection;
            exceeded = true;
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }

    private void watch() {
        while (running) {
            try {
                synchronized (signal) {
                    while (!exceeded && running) {
                        signal.wait(TimeUnit.SECONDS.toMillis(5));
                        if (!exceeded && usedPercent(true) >= QUARANTINE_PERCENT) {
                            collected = true; // still over after the JVM's last collection: no need to ask for one
                            exceeded = true;
                        }
                    }
                }
                exceeded = false;
                if (running) {
                    overThreshold();
                }
            } catch (InterruptedException stopped) {
                return;
            } catch (RuntimeException e) {
                logger.error("Security: the heap watch failed: {}", e.toString());
            }
        }
    }

    private void overThreshold() throws InterruptedException {
        boolean afterCollection = collected;
        collected = false;
        if (!afterCollection) {
            // what is in use now may be garbage: one collection decides (at most one each CONFIRM_SECONDS)
            if (System.nanoTime() - lastConfirm < TimeUnit.SECONDS.toNanos(CONFIRM_SECONDS) || !collect()) {
                return; // the next look, or the JVM's own collection, comes back to it
            }
            lastConfirm = System.nanoTime();
        }
        int used = usedPercent(true);
        if (used < QUARANTINE_PERCENT) {
            return; // garbage, collected
        }
        Bundle top = topAllocator();
        boolean namedNow = top != null && !named.containsKey(top.getBundleId());
        if (!namedNow && used < STOP_PERCENT) {
            return; // nothing new: the JVM's own collections say when it gets worse (no collection asked for each 5 s)
        }
        if (namedNow) {
            quarantiner.quarantine(top, "fill the heap: " + used + " % of it stayed in use after a collection, and its "
                    + "work allocated the most of any plugin over the last minute");
            named.put(top.getBundleId(), new Named(top, System.nanoTime()));
            TimeUnit.MILLISECONDS.sleep(500); // its threads interrupted (by the quarantine's own thread), they may let go
        }
        if (!collect()) {
            return; // explicit collections are off: the JVM's own collection-usage notification comes back to it
        }
        used = usedPercent(true);
        if (used < STOP_PERCENT) {
            return;
        }
        reserve = null;
        // Named on allocation alone, which a busy plugin that keeps nothing shows as well as a hoarder (red team 10: a
        // quiet hoarder that paused had a busy innocent named): kept stopped only if it went on allocating after its
        // quarantine (a hoarder's threads ignore it), or if no look since can tell.
        String kept = null;
        String released = null;
        for (Named one : named.values()) {
            long after = later.since(one.plugin(), one.at());
            if (after >= 0 && after < heapMax / 100) {
                quarantiner.release(one.plugin());
                released = one.plugin().getSymbolicName();
            } else {
                kept = one.plugin().getSymbolicName();
            }
        }
        String line = "carehost: the heap stays full (" + used + " % in use after a collection); "
                + (kept != null ? "plugin " + kept + ", which allocated the most and went on after its quarantine, is "
                        + "kept stopped (the next start comes up without it)"
                        : released != null ? "plugin " + released + ", which allocated the most, stopped allocating "
                                + "when quarantined and is not kept stopped; what holds the heap could not be told"
                        : "no plugin allocated much over the last minute: raise -Xmx")
                + "; the container is stopping (exit status " + EXIT_STATUS + ") before memory runs out";
        logger.error(line);
        System.err.println(line); // the process's standard error: this thread is the container's, no shell's
        beforeExit.run();
        exit.run();
    }

    /** Asks for a collection; whether one happened (a collector's count moved). */
    private static boolean collect() {
        long before = collections();
        System.gc();
        return collections() != before;
    }

    private static long collections() {
        long count = 0;
        for (java.lang.management.GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
        }
        return count;
    }

    /**
     * The highest share of its maximum a watched pool holds, in percent: now ({@code afterCollection} false), or after
     * its last collection.
     */
    private int usedPercent(boolean afterCollection) {
        int highest = 0;
        for (MemoryPoolMXBean pool : pools) {
            java.lang.management.MemoryUsage after = afterCollection ? pool.getCollectionUsage() : pool.getUsage();
            long max = pool.getUsage().getMax();
            if (after != null && max > 0) {
                highest = Math.max(highest, (int) (after.getUsed() * 100 / max));
            }
        }
        return highest;
    }

    /**
     * The plugin whose work allocated the most over the last minute, if that is at least a tenth of the heap's maximum
     * and at least half of what all plugins allocated (a plugin among several busy ones is not named on that alone).
     */
    private Bundle topAllocator() {
        Bundle top = null;
        long most = 0;
        long all = 0;
        for (Map.Entry<Bundle, Long> entry : recentAllocations.get().entrySet()) {
            all += entry.getValue();
            if (entry.getValue() > most) {
                most = entry.getValue();
                top = entry.getKey();
            }
        }
        return most >= heapMax / 100 * NAMED_AT_LEAST_PERCENT && most * 2 >= all ? top : null;
    }
}
