package org.carehost.security.internal;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;

/**
 * The allocation budget: each second, the bytes the threads a plugin started have allocated since the last look
 * ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}); a plugin over its budget (the policy's
 * {@code allocation plugin <bsn> <MB/s>}, default 512) is quarantined and its threads are interrupted. Java can
 * neither stop a thread nor bound one plugin's heap, so this is what can be done: a plugin allocating without end is
 * caught within about a second, before the heap is gone, and a thread that ignores interruption keeps running (its
 * plugin stays stopped). Allocation by a plugin's code on threads it did not start (a host thread calling it) is not
 * counted here.
 */
final class AllocationWatch {

    private final Causes causes;
    private final Function<Bundle, Long> budget;
    private final BiConsumer<Bundle, String> quarantine;
    private final Logger logger;
    private final Object threads = ManagementFactory.getThreadMXBean();
    private final Method allocated = allocatedBytes(threads);
    private final Map<Long, Long> seen = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "carehost-budgets"));
    private long lastNanos = System.nanoTime();

    AllocationWatch(Causes causes, Function<Bundle, Long> budget, BiConsumer<Bundle, String> quarantine, Logger logger) {
        this.causes = causes;
        this.budget = budget;
        this.quarantine = quarantine;
        this.logger = logger;
    }

    void start() {
        if (allocated == null) {
            logger.warn("Security: this JVM does not count allocated bytes per thread; allocation budgets are off");
            return;
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
            lastNanos = now;
            Map<Long, Long> current = new HashMap<>();
            for (Map.Entry<Bundle, List<Thread>> plugin : causes.threadsByPlugin().entrySet()) {
                List<Thread> list = plugin.getValue();
                long[] ids = new long[list.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = list.get(i).getId();
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
                long limit = budget.apply(plugin.getKey());
                if (limit > 0 && perSecond > limit) {
                    quarantine.accept(plugin.getKey(), "allocate " + perSecond / (1024 * 1024) + " MB/s, over its "
                            + "budget of " + limit / (1024 * 1024) + " MB/s (allocation plugin "
                            + plugin.getKey().getSymbolicName() + " <MB/s> in the policy)");
                    list.forEach(Thread::interrupt);
                }
            }
            seen.clear();
            seen.putAll(current);
        } catch (ReflectiveOperationException | RuntimeException e) {
            logger.error("Security: the allocation budget check failed: {}", e.toString());
        }
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
