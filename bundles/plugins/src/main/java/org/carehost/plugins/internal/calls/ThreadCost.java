package org.carehost.plugins.internal.calls;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;

/**
 * CPU time and allocated bytes of the current thread ({@link ThreadMXBean}, and the JDK's extended bean for
 * allocation, reached through its public interface by reflection so that the bundle does not import
 * {@code com.sun.management}). Either reads -1 where the JVM does not measure it.
 */
final class ThreadCost {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Method allocated = allocatedBytes(threads);
    private final boolean cpu = threads.isCurrentThreadCpuTimeSupported();

    long cpuNanos() {
        return cpu ? threads.getCurrentThreadCpuTime() : -1;
    }

    long allocatedBytes() {
        if (allocated == null) {
            return -1;
        }
        try {
            return (long) allocated.invoke(threads, Thread.currentThread().getId());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    private static Method allocatedBytes(Object bean) {
        for (Class<?> type : bean.getClass().getInterfaces()) {
            if (type.getName().equals("com.sun.management.ThreadMXBean")) {
                try {
                    return type.getMethod("getThreadAllocatedBytes", long.class);
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
