package org.carehost.security.internal;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.log.Logger;

/**
 * Runs what calls into a plugin's code on the security manager's behalf (its stop: the framework runs the
 * plugin's {@code BundleActivator.stop} and SCR its {@code @Deactivate} on the calling thread; its start after a
 * policy change; a quarantine's interrupts, which run a plugin's {@code Thread.interrupt} override or its own
 * {@code Interruptible} channel close) on a daemon thread of its own, named for what it does
 * ({@code carehost-quarantine-<bsn>}, {@code carehost-impostor-stop-<bsn>}, {@code carehost-policy-start}), so that
 * plugin code that never returns holds only that thread, never the security manager's worker that audits refusals and
 * carries every later quarantine. Start these threads from the worker: a thread started inside a check (the plugin's
 * thread, a hook) would be checked itself, and would inherit that thread's context.
 *
 * <p>At most one thread per plugin and purpose at a time ({@link #once}): while one is alive, plugin code holds it
 * (a stop that never returns waits, and with it every later stop of that bundle, on the framework's bundle lock), so
 * another would be held the same way; a plugin that keeps getting itself quarantined or keeps registering impostors
 * cannot make the container start threads without end. A thread the JVM cannot start is logged, not thrown on the
 * worker.
 */
final class PluginStops {

    private final Logger logger;
    /** Purpose and bundle id of each thread alive. */
    private final Set<String> alive = ConcurrentHashMap.newKeySet();

    PluginStops(Logger logger) {
        this.logger = logger;
    }

    /**
     * On a thread {@code carehost-<purpose>-<bsn>} of its own, stops the plugin if {@code still} holds then (a
     * quarantine lifted meanwhile, the plugin started again, stops nothing). Returns at once.
     */
    void stopApart(String purpose, Bundle plugin, BooleanSupplier still) {
        stopApart(purpose, plugin, still, 0);
    }

    /**
     * {@link #stopApart(String, Bundle, BooleanSupplier)} with the framework's stop options ({@code STOP_TRANSIENT});
     * the future completes when the stop has returned, or at once if no thread was started for it (one still held).
     */
    CompletableFuture<Void> stopApart(String purpose, Bundle plugin, BooleanSupplier still, int options) {
        CompletableFuture<Void> returned = new CompletableFuture<>();
        boolean started = once(purpose, plugin, () -> {
            try {
                if (still.getAsBoolean()) {
                    plugin.stop(options);
                }
            } catch (BundleException | RuntimeException e) {
                logger.error("Could not stop plugin {} ({}): {}", plugin.getSymbolicName(), purpose, e.toString());
            } finally {
                returned.complete(null);
            }
        });
        if (!started) {
            returned.complete(null);
        }
        return returned;
    }

    /**
     * Runs {@code work}, which may call the plugin's code, on a thread {@code carehost-<purpose>-<bsn>} of its own,
     * unless one for that plugin and purpose is still alive (then it is logged and not started). Returns at once: whether
     * the thread started.
     */
    boolean once(String purpose, Bundle plugin, Runnable work) {
        String key = purpose + ":" + plugin.getBundleId();
        if (!alive.add(key)) {
            logger.warn("Plugin {}: the container's {} thread for it is still held by its code; not started again",
                    plugin.getSymbolicName(), purpose);
            return false;
        }
        Runnable released = () -> {
            try {
                work.run();
            } finally {
                alive.remove(key);
            }
        };
        if (!apart("carehost-" + purpose + "-" + plugin.getSymbolicName(), released, logger)) {
            alive.remove(key);
            return false;
        }
        return true;
    }

    /**
     * Runs work that calls plugin code on a daemon thread of its own, so named, its context class loader the security
     * manager's; returns whether it started (a thread the JVM could not start is logged).
     */
    static boolean apart(String name, Runnable work, Logger logger) {
        try {
            Thread thread = new Thread(null, work, name, 0, false);
            thread.setDaemon(true);
            thread.setContextClassLoader(PluginStops.class.getClassLoader());
            thread.start();
            return true;
        } catch (OutOfMemoryError | RuntimeException e) { // "unable to create native thread": not the worker's end
            logger.error("Could not start the thread {}: {}", name, e.toString());
            return false;
        }
    }
}
