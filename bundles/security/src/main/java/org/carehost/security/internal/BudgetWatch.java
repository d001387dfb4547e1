package org.carehost.security.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
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
 * The allocation and CPU budgets of the threads each plugin's code started itself, looked at each second (not pool
 * workers a JDK pool spawned while the plugin's call ran: a common-pool worker, a container pool's, runs everybody's
 * tasks, and counting it would charge the plugin for others' CPU and interrupt a shared worker):
 * <ul>
 * <li>allocation: the bytes they allocated since the last look ({@code com.sun.management.ThreadMXBean
 * .getThreadAllocatedBytes}), against the policy's {@code allocation plugin <bsn> <MB/s>} (default 512);</li>
 * <li>CPU: the CPU time they used in the last {@value #CPU_WINDOW_SECONDS} seconds ({@code ThreadMXBean
 * .getThreadCpuTime}), as a share of one core over that whole window, against {@code cpu plugin <bsn> <percent>}
 * (default 90; 0 turns it off). A thread that spins without allocating is caught by this one: within the window on a
 * machine with a core to spare; a short burst is not, since it is averaged over the whole window.</li>
 * </ul>
 * A plugin over either is quarantined (stopped; {@code plugin:start} lifts it) and its threads are interrupted. Java
 * can neither stop a thread nor bound one plugin's heap, so this is what can be done: a thread that ignores
 * interruption keeps running (its plugin stays stopped, and is not quarantined again for it). Allocation and CPU of a
 * plugin's code on threads it did not start (a host thread calling its validator) are not counted here: the host's
 * call deadline bounds those.
 */
final class BudgetWatch {

    /** What is done with a plugin over a budget ("allocation" or "cpu"): audited as such, and quarantined. */
    interface Over {
        void over(Bundle plugin, String budget, String reason);
    }

    /** The CPU budget's window: a plugin's threads' CPU time over the last this many seconds. */
    static final int CPU_WINDOW_SECONDS = 5;

    private final Causes causes;
    private final Function<Bundle, Long> allocationBudget;
    private final Function<Bundle, Long> cpuBudget;
    private final Over quarantine;
    private final Logger logger;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Method allocated = allocatedBytes(threads);
    private final boolean cpuCounted = threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
    private final Map<Long, Long> seen = new HashMap<>();
    private final Map<Long, Long> cpuSeen = new HashMap<>();
    /**
     * Per plugin (bundle id), for each of the last looks, newest last: the CPU nanoseconds its threads used, and the
     * nanoseconds measured since the look before (the looks run a second apart on a quiet machine, later on a busy one).
     */
    private final Map<Long, ArrayDeque<long[]>> cpuWindows = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "carehost-budgets"));
    private long lastNanos = System.nanoTime();

    BudgetWatch(Causes causes, Function<Bundle, Long> allocationBudget, Function<Bundle, Long> cpuBudget,
            Over quarantine, Logger logger) {
        this.causes = causes;
        this.allocationBudget = allocationBudget;
        this.cpuBudget = cpuBudget;
        this.quarantine = quarantine;
        this.logger = logger;
    }

    void start() {
        if (allocated == null) {
            logger.warn("Security: this JVM does not count allocated bytes per thread; allocation budgets are off");
        }
        if (!cpuCounted) {
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
            double seconds = Math.max(0.001, (now - lastNanos) / 1e9);
            Map<Long, Long> current = new HashMap<>();
            Map<Long, Long> cpuCurrent = new HashMap<>();
            Map<Long, ArrayDeque<long[]>> windows = new HashMap<>();
            long elapsed = now - lastNanos;
            for (Map.Entry<Bundle, List<Thread>> plugin : causes.ownThreadsByPlugin().entrySet()) {
                Bundle bundle = plugin.getKey();
                List<Thread> list = plugin.getValue();
                long[] ids = new long[list.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = list.get(i).getId();
                }
                String over = allocationOver(bundle, ids, seconds, current);
                boolean running = (bundle.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0;
                // a stopped plugin's window starts afresh: started again (plugin:start after a quarantine), it is
                // judged on what its threads use from then on, not on the window that quarantined it
                ArrayDeque<long[]> window = running ? cpuWindows.getOrDefault(bundle.getBundleId(), new ArrayDeque<>())
                        : new ArrayDeque<>();
                String cpuOver = cpuOver(bundle, ids, window, elapsed, cpuCurrent);
                if (running) {
                    windows.put(bundle.getBundleId(), window);
                }
                String reason = over != null ? over : cpuOver;
                if (reason != null && running) {
                    quarantine.over(bundle, over != null ? "allocation" : "cpu", reason);
                    list.forEach(Thread::interrupt);
                }
            }
            seen.clear();
            seen.putAll(current);
            cpuSeen.clear();
            cpuSeen.putAll(cpuCurrent);
            cpuWindows.clear();
            cpuWindows.putAll(windows);
            lastNanos = now;
        } catch (ReflectiveOperationException | RuntimeException e) {
            logger.error("Security: the allocation and CPU budget check failed: {}", e.toString());
        }
    }

    /** Why the plugin's threads are over their allocation budget, or null. */
    private String allocationOver(Bundle plugin, long[] ids, double seconds, Map<Long, Long> current)
            throws ReflectiveOperationException {
        if (allocated == null) {
            return null;
        }
        long[] bytes = (long[]) allocated.invoke(threads, (Object) ids);
        long delta = 0;
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                delta += bytes[i] - seen.getOrDefault(ids[i], 0L);
                current.put(ids[i], bytes[i]);
            }
        }
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
    private String cpuOver(Bundle plugin, long[] ids, ArrayDeque<long[]> window, long elapsed,
            Map<Long, Long> current) {
        if (!cpuCounted) {
            return null;
        }
        long delta = 0;
        for (long id : ids) {
            long used = threads.getThreadCpuTime(id);
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

    /** {@code getThreadAllocatedBytes(long[])} of the JDK's extended thread bean, through its public interface. */
    private static Method allocatedBytes(Object bean) {
        for (Class<?> type : bean.getClass().getInterfaces()) {
            if (type.getName().equals("com.sun.management.ThreadMXBean")) {
                try {
                    return type.getMethod("getThreadAllocatedBytes", long[].class);
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
