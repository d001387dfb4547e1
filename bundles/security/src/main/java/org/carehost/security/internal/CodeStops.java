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
import java.util.function.LongFunction;

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
 * runs on is thrown at again at its next poll, and after {@link #THROWS_BEFORE_PARKING} throws it is parked for good, so
 * that it spins no more (it keeps its stack and the locks it holds, which no Java code can take from it). Exception
 * handlers of stopped code still run as the stop unwinds (a monitor is released, a {@code finally} calls the JDK), but
 * a method of the plugin's that one calls is stopped at its entry.
 *
 * <p>A quarantine stops the code once the plugin's stop has returned, or after {@link #STOP_GRACE_SECONDS} if it has
 * not, so that its own {@code stop} and {@code @Deactivate} run first; lifting the quarantine (an operator's
 * {@code plugin:start}) resumes it. Without the agent nothing is woven and this does nothing. What it cannot stop: a
 * loop entirely inside JDK code (a regular expression that backtracks without end) and code the plugin defines in a
 * class loader of its own, which is not woven (both in the threat model).
 */
final class CodeStops {

    /** How long the plugin's own stop may run before its code is stopped whatever it does. */
    static final long STOP_GRACE_SECONDS = 5;

    /** How often one thread may catch the stop and run on in stopped code before it is parked for good. */
    static final int THROWS_BEFORE_PARKING = 64;

    /**
     * How often one thread may enter exception handlers of stopped code before it is parked for good: a handler runs
     * (the release of a monitor, a {@code finally}) unless the thread keeps entering them, as a loop made of exceptions
     * (a handler that covers itself and throws) does, which has no other poll to stop it.
     */
    static final int HANDLERS_BEFORE_PARKING = 10_000;

    /**
     * The agent's gate's hooks: a poll in stopped code; one at a handler in stopped code; a change of what is stopped
     * (container code only).
     */
    static final String STOPPED_HOOK = "carehost.code-stopped";
    static final String HANDLER_HOOK = "carehost.handler-stopped";
    static final String STOP_HOOK = "carehost.stop-code";

    /** A stopped plugin's class loaders, held weakly. */
    private record Stopped(Bundle plugin, List<WeakReference<ClassLoader>> loaders) {
    }

    private final Map<Long, Stopped> stopped = new ConcurrentHashMap<>();
    /** Per thread: the stops thrown at it, the handlers of stopped code it entered. */
    private final ThreadLocal<int[]> counts = ThreadLocal.withInitial(() -> new int[2]);
    private final LongFunction<String> reasons;
    private final Logger logger;
    /** The gate's {@code stopCode(ClassLoader, boolean)}, or null without the agent. */
    private final Method stopCode;

    /** @param reasons why a plugin is quarantined, by bundle id, or null once it is not */
    CodeStops(LongFunction<String> reasons, Logger logger) {
        this.reasons = reasons;
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
     * lock as {@link #resume}, so that a lift never leaves the code stopped. On a container thread (the worker).
     */
    synchronized void stop(Bundle plugin, BooleanSupplier still) {
        if (stopCode == null || !still.getAsBoolean()) {
            return;
        }
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (ClassLoader loader : loadersOf(plugin)) {
            if (gate(loader, true, plugin)) {
                loaders.add(new WeakReference<>(loader));
            }
        }
        if (!loaders.isEmpty()) {
            stopped.put(plugin.getBundleId(), new Stopped(plugin, loaders));
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

    /** The plugin is uninstalled: its old code stays stopped (the gate holds the loaders weakly); forgotten here. */
    void forget(long bundleId) {
        stopped.remove(bundleId);
    }

    /**
     * A poll in stopped code, on the thread that runs it (the gate's {@link #STOPPED_HOOK}, or {@link #HANDLER_HOOK} at
     * a handler): throws, or, for a thread that caught the stop too often, parks for good; at a handler, returns (the
     * handler runs) unless the thread entered too many. Returns if {@code at}'s plugin is no longer quarantined.
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
        String reason = found == null ? null : reasons.apply(found.plugin().getBundleId());
        if (reason == null) {
            return;
        }
        int[] count = counts.get();
        if (handler) {
            if (++count[1] > HANDLERS_BEFORE_PARKING) {
                park(found.plugin(), count[1] == HANDLERS_BEFORE_PARKING + 1, "entered " + HANDLERS_BEFORE_PARKING
                        + " of its exception handlers");
            }
            return;
        }
        if (++count[0] > THROWS_BEFORE_PARKING) {
            park(found.plugin(), count[0] == THROWS_BEFORE_PARKING + 1, "caught the stop of its code "
                    + THROWS_BEFORE_PARKING + " times and ran on");
        }
        throw new PluginCodeStopped("Carehost stopped the code of plugin " + found.plugin().getSymbolicName()
                + " on this thread: " + reason);
    }

    /** Parks the thread for good: interrupts end no park here, since the thread would only run stopped code again. */
    private void park(Bundle plugin, boolean first, String what) {
        if (first) {
            logger.warn("Plugin {}: its stopped code on thread '{}' {}; the thread is parked for good",
                    plugin.getSymbolicName(), Thread.currentThread().getName(), what);
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
