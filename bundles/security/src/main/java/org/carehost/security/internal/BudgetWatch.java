package org.carehost.security.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;

/**
 * The allocation and CPU budgets of each plugin, looked at each second. What counts as the plugin's:
 * <ul>
 * <li>its own threads: those its code started itself, and the workers of pools it made ({@link PoolOwners}), all they
 * do;</li>
 * <li>its tasks on workers that are not its own (the common pool's, a container pool's: they run everybody's tasks),
 * from each task's start to its end, and for a task still running, up to now ({@link TaskCharges}).</li>
 * </ul>
 * The budgets:
 * <ul>
 * <li>allocation: the bytes allocated since the last look ({@code com.sun.management.ThreadMXBean
 * .getThreadAllocatedBytes}), against the policy's {@code allocation plugin <bsn> <MB/s>} (default 512);</li>
 * <li>CPU: the CPU time used in the last {@value #CPU_WINDOW_SECONDS} seconds ({@code ThreadMXBean
 * .getThreadCpuTime}), as a share of one core over that whole window, against {@code cpu plugin <bsn> <percent>}
 * (default 90; 0 turns it off). A thread or task that spins without allocating is caught by this one: within the
 * window on a machine with a core to spare; a short burst is not, since it is averaged over the whole window.</li>
 * </ul>
 * A plugin over either is quarantined (stopped; {@code plugin:start} lifts it), and the quarantine interrupts, on a
 * thread of its own, its threads and the workers whose charge is its at that moment ({@link TaskCharges#quarantined}: each such interrupt is cleared when
 * the worker leaves that charge, so a container's task, nested in the plugin's or next on the worker, does not see it). Java can neither stop a thread nor bound one plugin's heap, so this is what can be done: a thread or task
 * that ignores interruption keeps running (its plugin stays stopped, and is not quarantined again for it). Allocation
 * and CPU of a plugin's code called on threads it did not start outside its tasks (a host thread calling its
 * validator) are not counted here: the host's call deadline bounds those.
 */
final class BudgetWatch {

    /** What is done with a plugin over a budget ("allocation" or "cpu"): audited as such, and quarantined. */
    interface Over {
        void over(Bundle plugin, String budget, String reason);
    }

    /** The CPU budget's window: a plugin's threads' CPU time over the last this many seconds. */
    static final int CPU_WINDOW_SECONDS = 5;

    private final Causes causes;
    private final TaskCharges charges;
    private final ThreadCounters counters;
    private final Function<Bundle, Long> allocationBudget;
    private final Function<Bundle, Long> cpuBudget;
    private final Over quarantine;
    private final Logger logger;
    private final Map<Long, Long> seen = new HashMap<>();
    private final Map<Long, Long> cpuSeen = new HashMap<>();
    /**
     * Per plugin (bundle id), for each of the last looks, newest last: the CPU nanoseconds charged to it, and the
     * nanoseconds measured since the look before (the looks run a second apart on a quiet machine, later on a busy one).
     */
    private final Map<Long, ArrayDeque<long[]>> cpuWindows = new HashMap<>();
    /** The plugins with a window, by bundle id: looked at while their window lasts, charged or not. */
    private final Map<Long, Bundle> watched = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(null, r, "carehost-budgets", 0, false));
    private long lastNanos = System.nanoTime();
    /** Per plugin (bundle id): the bytes its work allocated at each of the last {@value #RECENT_LOOKS} looks. */
    private final Map<Long, ArrayDeque<Long>> recentBytes = new HashMap<>();
    /** The plugins' bytes over those looks, and the plugins, as of the last look: read by {@link HeapWatch}. */
    private volatile Map<Bundle, Long> recent = Map.of();

    /** The plugins' bytes at the last look alone, and when that look was ({@link System#nanoTime}). */
    private volatile Map<Bundle, Long> lastLook = Map.of();
    private volatile long lastLookAt;

    /** How many looks (about seconds) {@link #recentAllocations} sums. */
    static final int RECENT_LOOKS = 60;

    BudgetWatch(Causes causes, Function<Bundle, Long> allocationBudget, Function<Bundle, Long> cpuBudget,
            Over quarantine, Logger logger) {
        this.causes = causes;
        this.charges = causes.charges();
        this.counters = charges.counters();
        this.allocationBudget = allocationBudget;
        this.cpuBudget = cpuBudget;
        this.quarantine = quarantine;
        this.logger = logger;
    }

    void start() {
        if (!counters.allocationCounted()) {
            logger.warn("Security: this JVM does not count allocated bytes per thread; allocation budgets are off");
        }
        if (!counters.cpuCounted()) {
            logger.warn("Security: this JVM does not measure CPU time per thread; CPU budgets are off");
        }
        timer.scheduleWithFixedDelay(this::look, 1, 1, TimeUnit.SECONDS);
    }

    void stop() {
        timer.shutdownNow();
    }

    private void look() {
        try {
            long now = System.nanoTime();
            long elapsed = now - lastNanos;
            double seconds = Math.max(0.001, elapsed / 1e9);
            Map<Long, Long> current = new HashMap<>();
            Map<Long, Long> allocated = new HashMap<>();
            Map<Long, Long> cpuCurrent = new HashMap<>();
            Map<Long, ArrayDeque<long[]>> windows = new HashMap<>();
            Map<Long, TaskCharges.Charge> tasks = charges.take();
            Map<Long, List<Thread>> own = new HashMap<>();
            Map<Long, Bundle> plugins = new HashMap<>(watched);
            causes.ownThreadsByPlugin().forEach((bundle, list) -> {
                own.put(bundle.getBundleId(), list);
                plugins.put(bundle.getBundleId(), bundle);
            });
            tasks.forEach((id, charge) -> plugins.putIfAbsent(id, charge.plugin));
            watched.clear();
            for (Bundle bundle : plugins.values()) {
                List<Thread> list = own.getOrDefault(bundle.getBundleId(), List.of());
                TaskCharges.Charge onPools = tasks.get(bundle.getBundleId());
                long[] ids = new long[list.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = list.get(i).getId();
                }
                String over = allocationOver(bundle, ids, onPools == null ? 0 : onPools.bytes, seconds, current,
                        allocated);
                boolean running = (bundle.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0;
                // a stopped plugin's window starts afresh: started again (plugin:start after a quarantine), it is
                // judged on what its threads use from then on, not on the window that quarantined it
                ArrayDeque<long[]> window = running ? cpuWindows.getOrDefault(bundle.getBundleId(), new ArrayDeque<>())
                        : new ArrayDeque<>();
                String cpuOver = cpuOver(bundle, ids, onPools == null ? 0 : onPools.cpu, window, elapsed, cpuCurrent);
                if (running && window.stream().anyMatch(look -> look[0] > 0)) {
                    windows.put(bundle.getBundleId(), window);
                    watched.put(bundle.getBundleId(), bundle);
                }
                String reason = over != null ? over : cpuOver;
                if (reason != null && running) {
                    // its threads and the workers in its charge are interrupted by the quarantine, on a thread of its
                    // own: never here, where a plugin's Thread.interrupt override (or its channel's close, which a
                    // JDK thread's interrupt runs) would hold the one thread that watches every plugin's budgets
                    quarantine.over(bundle, over != null ? "allocation" : "cpu", reason);
                    // started again, it is judged afresh: not on the window that quarantined it, even when it starts
                    // before a look sees it stopped
                    windows.remove(bundle.getBundleId());
                    watched.remove(bundle.getBundleId());
                }
            }
            seen.clear();
            seen.putAll(current);
            cpuSeen.clear();
            cpuSeen.putAll(cpuCurrent);
            cpuWindows.clear();
            cpuWindows.putAll(windows);
            remember(plugins, allocated);
            lastNanos = now;
        } catch (RuntimeException e) {
            logger.error("Security: the allocation and CPU budget check failed: {}", e.toString());
        }
    }

    /**
     * The bytes each plugin's work allocated over the last {@value #RECENT_LOOKS} looks (about a minute), as of the last
     * look: what {@link HeapWatch} asks when the heap stays full, to name the plugin that most likely fills it.
     */
    Map<Bundle, Long> recentAllocations() {
        return recent;
    }

    /**
     * What the plugin's work allocated at the last look (about a second), if that look began after {@code sinceNanos};
     * -1 if there has been no look since.
     */
    long allocatedAtLookSince(Bundle plugin, long sinceNanos) {
        return lastLookAt - sinceNanos > TimeUnit.SECONDS.toNanos(1) ? lastLook.getOrDefault(plugin, 0L) : -1;
    }

    private void remember(Map<Long, Bundle> plugins, Map<Long, Long> allocated) {
        Map<Bundle, Long> sums = new HashMap<>();
        for (Bundle bundle : plugins.values()) {
            ArrayDeque<Long> window = recentBytes.computeIfAbsent(bundle.getBundleId(), id -> new ArrayDeque<>());
            window.addLast(allocated.getOrDefault(bundle.getBundleId(), 0L));
            while (window.size() > RECENT_LOOKS) {
                window.removeFirst();
            }
        }
        Map<Bundle, Long> last = new HashMap<>();
        plugins.forEach((id, bundle) -> last.put(bundle, allocated.getOrDefault(id, 0L)));
        lastLook = last;
        lastLookAt = System.nanoTime();
        recentBytes.keySet().retainAll(plugins.keySet());
        recentBytes.forEach((id, window) -> sums.put(plugins.get(id), window.stream().mapToLong(Long::longValue).sum()));
        recent = sums;
    }

    /** Why the plugin's threads and tasks ({@code onPools} bytes) are over their allocation budget, or null. */
    private String allocationOver(Bundle plugin, long[] ids, long onPools, double seconds, Map<Long, Long> current,
            Map<Long, Long> allocated) {
        long[] bytes = counters.allocated(ids);
        if (bytes == null) {
            return null;
        }
        long delta = onPools;
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                delta += bytes[i] - seen.getOrDefault(ids[i], 0L);
                current.put(ids[i], bytes[i]);
            }
        }
        allocated.put(plugin.getBundleId(), Math.max(0, delta));
        long perSecond = (long) (delta / seconds);
        long limit = allocationBudget.apply(plugin);
        return limit > 0 && perSecond > limit ? "allocate " + perSecond / (1024 * 1024) + " MB/s, over its budget of "
                + limit / (1024 * 1024) + " MB/s (allocation plugin " + plugin.getSymbolicName() + " <MB/s> in the "
                + "policy)" : null;
    }

    /**
     * Why the plugin's threads are over their CPU budget, or null: the CPU time they used since the last look, and the
     * time measured since then, are added to its window (the last {@value #CPU_WINDOW_SECONDS} looks); the CPU time's
     * sum is taken as a share of one core over the window's measured time, and over no less than
     * {@value #CPU_WINDOW_SECONDS} seconds however few looks it holds yet (a plugin just started is not judged on one).
     */
    private String cpuOver(Bundle plugin, long[] ids, long onPools, ArrayDeque<long[]> window, long elapsed,
            Map<Long, Long> current) {
        if (!counters.cpuCounted()) {
            return null;
        }
        long delta = onPools;
        for (long id : ids) {
            long used = counters.cpu(id);
            if (used >= 0) {
                delta += used - cpuSeen.getOrDefault(id, 0L);
                current.put(id, used);
            }
        }
        window.addLast(new long[] {delta, elapsed});
        while (window.size() > CPU_WINDOW_SECONDS) {
            window.removeFirst();
        }
        long sum = 0;
        long measured = 0;
        for (long[] look : window) {
            sum += look[0];
            measured += look[1];
        }
        long over = Math.max(measured, TimeUnit.SECONDS.toNanos(CPU_WINDOW_SECONDS));
        long percent = sum * 100 / over;
        long limit = cpuBudget.apply(plugin);
        return limit > 0 && percent > limit ? "use " + percent + "% of a core over " + over / 1_000_000_000L + " s, over "
                + "its budget of " + limit + "% (cpu plugin " + plugin.getSymbolicName() + " <percent> in the policy)"
                : null;
    }
}
