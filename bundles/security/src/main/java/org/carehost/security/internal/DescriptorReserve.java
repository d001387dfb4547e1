package org.carehost.security.internal;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.carehost.security.internal.RuntimeRules.Refusal;
import org.osgi.framework.Bundle;

/**
 * Keeps a quarter of the process's file descriptors for the container: a plugin may make a descriptor (open a file,
 * a socket, a pipe, a selector, a directory stream, a process's pipes) only while the process holds fewer than three
 * quarters of its limit. Red team 18: a plugin granted {@code use:files} opened a JDK file again and again until the
 * process had no descriptor left, and the container could then not write the policy, its log or the audit trail.
 *
 * <p>The JVM cannot say which plugin holds a descriptor (a stream the garbage collector closes is closed by the JDK's
 * cleaner, past any hook), so the reserve is the process's, not a budget per plugin: the count is the process's open
 * descriptors ({@code /proc/self/fd}), taken again after every {@value #RECOUNT_EVERY} descriptors plugins made, and at
 * once when the estimate (the last count plus plugins' descriptors since) reaches the ceiling. The plugin refused at
 * the ceiling is quarantined if it made the most descriptors since the last count that found room (the one opening in
 * a loop); any other is refused without quarantine. Where the JVM does not give the limit (not a Unix), the reserve
 * is off. Written here: no library keeps a process's descriptors for part of its code.
 */
final class DescriptorReserve {

    /** The hooks that make a descriptor of the process's ({@code owner.method}). */
    private static final Set<String> MAKERS = Set.of("java.io.FileInputStream.open", "java.io.FileOutputStream.open",
            "java.io.RandomAccessFile.open", "sun.nio.fs.UnixFileSystemProvider.newByteChannel",
            "sun.nio.fs.UnixFileSystemProvider.newFileChannel",
            "sun.nio.fs.UnixFileSystemProvider.newAsynchronousFileChannel",
            "sun.nio.fs.UnixFileSystemProvider.newDirectoryStream", "sun.nio.ch.Net.socket",
            "sun.nio.ch.Net.serverSocket", "sun.nio.ch.SelectorProviderImpl.openPipe",
            "sun.nio.ch.EPollSelectorProvider.openSelector", "sun.nio.ch.PollSelectorProvider.openSelector",
            "sun.nio.ch.LinuxAsynchronousChannelProvider.openAsynchronousChannelGroup",
            "sun.nio.fs.LinuxFileSystem.newWatchService", "sun.nio.ch.UnixDomainSockets.socket",
            "java.lang.ProcessImpl.start");

    static final int RECOUNT_EVERY = 64;
    static final String RULE = "descriptors";

    private final long limit;
    private final long ceiling;
    private final Counter counter;
    /** Guarded by this: the last count, plugins' descriptors since, and each plugin's since the last count with room. */
    private long counted;
    private long madeSince;
    private final Map<Long, Long> madeByPlugin = new HashMap<>();

    /** Counts the process's open descriptors; -1 when they cannot be counted (none left to list them with). */
    interface Counter {
        long open();
    }

    DescriptorReserve() {
        this(processLimit(), DescriptorReserve::openInProcess);
    }

    /** @param limit the process's descriptor limit; 0 or less: the reserve is off */
    DescriptorReserve(long limit, Counter counter) {
        this.limit = limit;
        this.ceiling = limit - limit / 4;
        this.counter = counter;
    }

    static boolean makesDescriptor(String hook) {
        return MAKERS.contains(hook);
    }

    /** The plugin's descriptor, about to be made: a refusal if the process is at the plugins' ceiling, else null. */
    synchronized Refusal make(Bundle plugin) {
        if (limit <= 0) {
            return null;
        }
        if (madeSince >= RECOUNT_EVERY || counted + madeSince >= ceiling) {
            long open = counter.open();
            counted = open < 0 ? limit : open;
            madeSince = 0;
            if (counted < ceiling) {
                madeByPlugin.clear();
            }
        }
        long mine = madeByPlugin.merge(plugin.getBundleId(), 1L, Long::sum);
        if (counted + madeSince < ceiling) {
            madeSince++;
            return null;
        }
        boolean most = madeByPlugin.values().stream().allMatch(other -> other <= mine);
        return new Refusal(RULE, "make one more file descriptor (a file, socket, pipe or selector): the process holds "
                + counted + " of its " + limit + ", and the last quarter is the container's"
                + (most ? "; this plugin made the most of them since there was room" : ""), most);
    }

    private static long openInProcess() {
        String[] open = new File("/proc/self/fd").list();
        return open == null ? -1 : open.length;
    }

    /** The process's descriptor limit, from the JDK's extended bean on a Unix (reached through its interface); else 0. */
    private static long processLimit() {
        OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
        for (Class<?> at = system.getClass(); at != null; at = at.getSuperclass()) {
            for (Class<?> type : at.getInterfaces()) {
                if (type.getName().equals("com.sun.management.UnixOperatingSystemMXBean")) {
                    try {
                        MethodHandle max = MethodHandles.publicLookup().findVirtual(type, "getMaxFileDescriptorCount",
                                MethodType.methodType(long.class));
                        return (long) max.invoke(system);
                    } catch (Throwable notThere) {
                        return 0;
                    }
                }
            }
        }
        return 0;
    }
}
