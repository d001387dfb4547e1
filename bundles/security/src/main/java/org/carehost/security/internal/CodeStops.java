package org.carehost.security.internal;

import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.log.Logger;

/**
 * Stops a quarantined plugin's code on every thread that runs it. Java cannot stop a thread from outside
 * ({@code Thread.stop} is gone since JDK 20, and interrupts are only a request): a loop that ignores them ran on for
 * good after its plugin was quarantined, a virtual thread's on a carrier of the JDK's scheduler. So every plugin class
 * is woven with polls ({@link StopPolls}), and a quarantine stops the plugin's class loaders at the agent's gate
 * ({@code CarehostGate.stopCode}, which only container code may call): from then on each poll in that code comes here
 * ({@link #polled}) and throws {@link PluginCodeStopped}, which unwinds the plugin's frames; a thread that catches it and
 * runs on is thrown at again at its next poll, and one that comes back to the same poll {@link #RETURNS_BEFORE_PARKING}
 * times (a loop written to catch the stop) is parked for good, so that it spins no more (it keeps its stack and the
 * locks it holds, which no Java code can take from it). Exception handlers of stopped code still run as the stop
 * unwinds (a monitor is released, a {@code finally} calls the JDK), but a method of the plugin's that one calls is
 * stopped at its entry.
 *
 * <p>A quarantine stops the code once the plugin's stop has returned, or after {@link #STOP_GRACE_SECONDS} if it has
 * not, so that its own {@code stop} and {@code @Deactivate} run first; lifting the quarantine (an operator's
 * {@code plugin:start}) resumes it. Without the agent nothing is woven and this does nothing. What it cannot stop: a
 * loop entirely inside JDK code (a stream over a range, a regular expression that backtracks without end, method
 * handle combinators) and code the plugin defines at run time (in a class loader of its own, or through a
 * {@code Lookup} into its bundle's loader, which {@code use:reflection} allows), which no weaving hook sees (both in the
 * threat model).
 */
final class CodeStops {

    /** How long the plugin's own stop may run before its code is stopped whatever it does. */
    static final long STOP_GRACE_SECONDS = 5;

    /**
     * How often one thread may come back to the same place in stopped code (the same poll, reached through the same
     * frames of the plugin's at the same instructions, whether it throws there or enters a handler there) before it is
     * parked for good. Only a loop comes back to one place: a javac loop's jump back lies outside the try it catches in, so its first stop ends it; what comes back
     * is a loop written to catch the stop and run on (a jump back inside its own try, a handler that covers itself and
     * throws, recursion that catches), which would otherwise throw and catch for good. Code that merely catches the
     * stop at many places, each once, unwinds and is never parked (red team 12 had 80 catches, one after another, park
     * the deploy watcher's thread, holding a plugin's lock, when every throw was counted alike).
     */
    static final int RETURNS_BEFORE_PARKING = 32;

    /** The most poll places one thread's counts keep one by one (past it, new places are counted together). */
    private static final int PLACES_KEPT = 4096;

    /**
     * The agent's gate's hooks: a poll in stopped code; one at a handler in stopped code; a change of what is stopped
     * (container code only).
     */
    static final String STOPPED_HOOK = "carehost.code-stopped";
    static final String HANDLER_HOOK = "carehost.handler-stopped";
    static final String STOP_HOOK = "carehost.stop-code";

    /** A stopped plugin's class loaders, held weakly. */
    private record Stopped(Bundle plugin, String reason, List<WeakReference<ClassLoader>> loaders, long stop) {
    }

    private final Map<Long, Stopped> stopped = new ConcurrentHashMap<>();
    /** Per thread: how often it came to each poll place of stopped code, by place, for the stop in force. */
    private final ThreadLocal<Map<String, int[]>> visits = ThreadLocal.withInitial(java.util.HashMap::new);
    private final StackWalker walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /** Counts each stop made: a thread's visits are counted per stop, so that an earlier quarantine's never count. */
    private final java.util.concurrent.atomic.AtomicLong stops = new java.util.concurrent.atomic.AtomicLong();
    private final Logger logger;
    /** The gate's {@code stopCode(ClassLoader, boolean)}, or null without the agent. */
    private final Method stopCode;

    CodeStops(Logger logger) {
        this.logger = logger;
        Method gate = null;
        if (Causes.agentRuns()) {
            try {
                gate = Class.forName("java.lang.CarehostGate").getMethod("stopCode", ClassLoader.class, boolean.class);
            } catch (ReflectiveOperationException e) {
                logger.error("Security: the run-time agent's gate cannot stop a plugin's code ({}): carehost.jar and its "
                        + "bundles must be of one version; quarantined plugins' threads run on until they return", e);
            }
        }
        this.stopCode = gate;
    }

    /**
     * Stops the plugin's code, if {@code still} holds (the quarantine was not lifted meanwhile); decided under the same
     * lock as {@link #resume}, so that a lift never leaves the code stopped. On a container thread.
     *
     * @param reason the quarantine's, for the error thrown into the code
     */
    synchronized void stop(Bundle plugin, String reason, BooleanSupplier still) {
        if (stopCode == null || !still.getAsBoolean()) {
            return;
        }
        // plugins uninstalled while stopped stay stopped (their loaders held weakly): dropped once all are collected
        stopped.values().removeIf(each -> each.loaders().stream().allMatch(held -> held.get() == null));
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (ClassLoader loader : loadersOf(plugin)) {
            if (gate(loader, true, plugin)) {
                loaders.add(new WeakReference<>(loader));
            }
        }
        if (!loaders.isEmpty()) {
            stopped.put(plugin.getBundleId(), new Stopped(plugin, reason, loaders, stops.incrementAndGet()));
        }
    }

    /** The quarantine is lifted: the plugin's code runs again. */
    synchronized void resume(long bundleId) {
        Stopped was = stopped.remove(bundleId);
        if (was == null) {
            return;
        }
        for (WeakReference<ClassLoader> each : was.loaders()) {
            ClassLoader loader = each.get();
            if (loader != null) {
                gate(loader, false, was.plugin());
            }
        }
    }

    /**
     * A poll in stopped code, on the thread that runs it (the gate's {@link #STOPPED_HOOK}, or {@link #HANDLER_HOOK} at
     * a handler): throws, or, for a thread that caught the stop too often, parks for good; at a handler, returns (the
     * handler runs) unless the thread came back there too often. Returns if {@code at}'s code is no longer stopped (the
     * quarantine lifted meanwhile); a plugin uninstalled while stopped stays stopped, its threads' code too.
     */
    void polled(Class<?> at, boolean handler) {
        ClassLoader loader = at == null ? null : at.getClassLoader();
        Stopped found = null;
        for (Stopped each : stopped.values()) {
            for (WeakReference<ClassLoader> held : each.loaders()) {
                if (held.get() == loader) {
                    found = each;
                }
            }
        }
        if (found == null) {
            return;
        }
        String reason = found.reason();
        String place = place(at, found.stop());
        Map<String, int[]> counted = visits.get();
        if (counted.size() >= PLACES_KEPT && !counted.containsKey(place)) {
            java.util.Set<String> inForce = new java.util.HashSet<>();
            stopped.values().forEach(each -> inForce.add(each.stop() + " "));
            counted.keySet().removeIf(key -> !inForce.contains(key.substring(0, key.indexOf(' ') + 1)));
            if (counted.size() >= PLACES_KEPT) {
                place = found.stop() + " " + PLACES_KEPT + " places or more"; // a loop through as many counts here
            }
        }
        int[] count = counted.computeIfAbsent(place, any -> new int[1]);
        if (++count[0] > RETURNS_BEFORE_PARKING) {
            park(found.plugin(), count[0] == RETURNS_BEFORE_PARKING + 1, place.substring(place.indexOf(' ') + 1));
        }
        if (handler) {
            return; // the handler runs: a monitor is released, a finally calls the JDK
        }
        throw new PluginCodeStopped("Carehost stopped the code of plugin " + found.plugin().getSymbolicName()
                + " on this thread: " + reason);
    }

    /**
     * The poll's place: the stop it is counted for, then every frame of the stopped code on the thread's stack (class,
     * method, descriptor and bytecode index of each, the poll's first): the same place again is the same code reached
     * the same way, which only a loop does (70 catches of calls to one method, one after another, are 70 places).
     */
    private String place(Class<?> at, long stop) {
        ClassLoader loader = at.getClassLoader();
        String frames = walker.walk(all -> all.filter(f -> f.getDeclaringClass().getClassLoader() == loader)
                .map(f -> f.getDeclaringClass().getName() + "." + f.getMethodName() + f.getDescriptor() + "@"
                        + f.getByteCodeIndex())
                .collect(java.util.stream.Collectors.joining(" < ")));
        return stop + " " + (frames.isEmpty() ? at.getName() : frames);
    }

    /** Parks the thread for good: interrupts end no park here, since the thread would only run stopped code again. */
    private void park(Bundle plugin, boolean first, String place) {
        if (first) {
            logger.warn("Plugin {}: its stopped code on thread '{}' came back to {} {} times, catching the stop of its "
                    + "code and running on; the thread is parked for good", plugin.getSymbolicName(),
                    Thread.currentThread().getName(), place, RETURNS_BEFORE_PARKING);
        }
        while (true) {
            LockSupport.park(this);
        }
    }

    private boolean gate(ClassLoader loader, boolean stop, Bundle plugin) {
        try {
            stopCode.invoke(null, loader, stop);
            return true;
        } catch (InvocationTargetException | IllegalAccessException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            logger.error("Could not {} the code of plugin {}: {}", stop ? "stop" : "resume", plugin.getSymbolicName(),
                    String.valueOf(cause));
            return false;
        }
    }

    /** The class loaders of the plugin's revisions still wired (its current one, and one an update left in use). */
    private static List<ClassLoader> loadersOf(Bundle plugin) {
        List<ClassLoader> loaders = new ArrayList<>();
        BundleRevisions revisions = plugin.adapt(BundleRevisions.class);
        if (revisions == null) {
            return loaders;
        }
        for (BundleRevision revision : revisions.getRevisions()) {
            BundleWiring wiring = revision.getWiring();
            ClassLoader loader = wiring == null ? null : wiring.getClassLoader();
            if (loader != null && !loaders.contains(loader)) {
                loaders.add(loader);
            }
        }
        return loaders;
    }
}
