package org.carehost.security.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JVM's per-thread counters the budgets read: CPU time ({@code ThreadMXBean}) and bytes allocated (the JDK's
 * extended bean, {@code com.sun.management.ThreadMXBean}, reached through its public interface: the bundle does not
 * import it). Each is 0 (a thread's) or null (a batch) when the JVM does not keep it: the budget on it is then off.
 */
final class ThreadCounters {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final boolean cpuCounted = threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
    /** {@code ()long}: the current thread's allocated bytes; null if the JVM does not count them. */
    private final MethodHandle currentAllocated;
    /** {@code (long)long}: a thread's by its id. */
    private final MethodHandle allocatedById;
    /** {@code (long[])long[]}: several threads', by their ids. */
    private final MethodHandle allocatedByIds;

    ThreadCounters() {
        MethodHandle current = null;
        MethodHandle byId = null;
        MethodHandle byIds = null;
        for (Class<?> type : threads.getClass().getInterfaces()) {
            if (type.getName().equals("com.sun.management.ThreadMXBean")) {
                try {
                    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                    current = lookup.findVirtual(type, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                            .bindTo(threads);
                    byId = lookup.findVirtual(type, "getThreadAllocatedBytes",
                            MethodType.methodType(long.class, long.class)).bindTo(threads);
                    byIds = lookup.findVirtual(type, "getThreadAllocatedBytes",
                            MethodType.methodType(long[].class, long[].class)).bindTo(threads);
                } catch (ReflectiveOperationException | RuntimeException notThere) {
                    current = null;
                }
            }
        }
        this.currentAllocated = current;
        this.allocatedById = current == null ? null : byId;
        this.allocatedByIds = current == null ? null : byIds;
        // linked now, not inside the first check that charges a task
        cpu();
        allocated();
        allocated(Thread.currentThread().getId());
    }

    boolean cpuCounted() {
        return cpuCounted;
    }

    boolean allocationCounted() {
        return currentAllocated != null;
    }

    /** The current thread's CPU time in nanoseconds. */
    long cpu() {
        return cpuCounted ? threads.getCurrentThreadCpuTime() : 0;
    }

    /** A thread's CPU time in nanoseconds, or -1 if it has ended. */
    long cpu(long id) {
        return cpuCounted ? threads.getThreadCpuTime(id) : 0;
    }

    /** The bytes the current thread allocated so far. */
    long allocated() {
        if (currentAllocated == null) {
            return 0;
        }
        try {
            return (long) currentAllocated.invokeExact();
        } catch (Throwable e) {
            return 0;
        }
    }

    /** The bytes a thread allocated so far, or -1 if it has ended. */
    long allocated(long id) {
        if (allocatedById == null) {
            return 0;
        }
        try {
            return (long) allocatedById.invokeExact(id);
        } catch (Throwable e) {
            return 0;
        }
    }

    /** The bytes each thread allocated so far (-1 for one that ended), or null if the JVM does not count them. */
    long[] allocated(long[] ids) {
        if (allocatedByIds == null) {
            return null;
        }
        try {
            return (long[]) allocatedByIds.invokeExact(ids);
        } catch (Throwable e) {
            return null;
        }
    }
}
