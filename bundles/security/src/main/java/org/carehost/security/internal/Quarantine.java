package org.carehost.security.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.carehost.sdk.plugin.PluginEvents;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * Plugins stopped for going over a run-time budget (threads, allocation): {@code carehost/plugin/QUARANTINED}
 * posted, its threads interrupted and the plugin stopped on a thread of the quarantine's own
 * ({@code carehost-quarantine-<bsn>}, {@link PluginStops}: a stop that never returns holds that thread only), its
 * code stopped on every thread that still runs it ({@link CodeStops}), the
 * reason audited and kept for {@code plugin:why} until an operator starts the plugin again ({@link #lifted}). The
 * deadlines of calls into plugins ({@link CallLimitsService}) use the same.
 */
final class Quarantine {

    private static final String STOPPED = "; it is stopped, and stays stopped across restarts (plugin:start lifts the "
            + "quarantine)";

    private final Map<Long, String> reasons = new ConcurrentHashMap<>();
    private final Alerts alerts;
    private final Executor worker;
    private final Supplier<EventAdmin> events;
    private final Logger logger;
    private final PluginStops stops;
    private final QuarantineRecord record;
    /** Interrupts a quarantined plugin's threads and its tasks on shared workers (the run-time layer's, once it runs). */
    private volatile java.util.function.Consumer<Bundle> interrupter = plugin -> { };
    /** Stops a quarantined plugin's code wherever it runs (the run-time layer's, once it runs), or null. */
    private volatile CodeStops codeStops;

    Quarantine(Alerts alerts, Executor worker, Supplier<EventAdmin> events, Logger logger, QuarantineRecord record) {
        this.alerts = alerts;
        this.worker = worker;
        this.events = events;
        this.logger = logger;
        this.stops = new PluginStops(logger);
        this.record = record;
    }

    /**
     * At the security manager's start, before any plugin runs: the quarantines recorded before (the container
     * restarted, or the security manager did) are in force again. A plugin the framework would start at its start level
     * (a quarantine whose stop could not happen: its code held the thread that started it, and with it its bundle's
     * lock) is stopped now, while nothing runs, so that it stays stopped; entries of bundles no longer installed, or
     * installed anew under the same id, are dropped.
     */
    void restore(org.osgi.framework.BundleContext context) {
        Map<Long, String[]> recorded;
        try {
            recorded = record.read();
        } catch (java.io.IOException | RuntimeException e) {
            logger.error("Could not read the record of quarantined plugins ({}); none is restored", e.toString());
            return;
        }
        recorded.forEach((id, entry) -> {
            Bundle plugin = context.getBundle(id);
            if (plugin == null || !entry[0].equals(plugin.getSymbolicName())) {
                forget(id);
                return;
            }
            reasons.put(id, entry[1]);
            org.osgi.framework.startlevel.BundleStartLevel level =
                    plugin.adapt(org.osgi.framework.startlevel.BundleStartLevel.class);
            if ((plugin.getState() & (Bundle.INSTALLED | Bundle.RESOLVED)) != 0 && level != null
                    && level.isPersistentlyStarted()) {
                try {
                    plugin.stop(); // not started: returns at once, and the framework no longer starts it
                    logger.warn("Plugin {} stays stopped: {}", plugin.getSymbolicName(), entry[1]);
                } catch (org.osgi.framework.BundleException | RuntimeException e) {
                    logger.error("Could not keep quarantined plugin {} stopped: {}", plugin.getSymbolicName(),
                            e.toString());
                }
            }
        });
    }

    /**
     * What every quarantine does to the plugin's running work, whatever its reason (a budget, the thread cap, a deadline,
     * an operator): its own threads and the shared workers in its tasks' charge are interrupted.
     */
    void interruptWith(java.util.function.Consumer<Bundle> interrupter) {
        this.interrupter = interrupter;
    }

    /** What every quarantine does once the plugin's stop has returned, or had its time: its code stops on every thread. */
    void stopCodeWith(CodeStops codeStops) {
        this.codeStops = codeStops;
    }

    void quarantine(Bundle plugin, String reason) {
        stop(plugin, "quarantined: it tried to " + reason + STOPPED, 0);
    }

    /**
     * Quarantines on evidence that may not hold up (the heap watch's): the plugin is stopped transiently, so that it is
     * kept stopped at the next start by this quarantine's record alone, which {@link #lifted} withdraws.
     */
    void quarantineProvisionally(Bundle plugin, String reason) {
        stop(plugin, "quarantined: it tried to " + reason + STOPPED, Bundle.STOP_TRANSIENT);
    }

    /** Quarantines for a reason said whole ("it overran its validator deadline ..."), as the call limits do. */
    void quarantineBecause(Bundle plugin, String because) {
        stop(plugin, "quarantined: " + because + STOPPED, 0);
    }

    private void stop(Bundle plugin, String why, int stopOptions) {
        if (reasons.putIfAbsent(plugin.getBundleId(), why) != null) {
            return;
        }
        alerts.denied(plugin, "quarantine", null, why);
        Map<String, Object> properties = new HashMap<>();
        properties.put(PluginEvents.SYMBOLIC_NAME, String.valueOf(plugin.getSymbolicName()));
        properties.put(PluginEvents.VERSION, plugin.getVersion().toString());
        properties.put(PluginEvents.BUNDLE_ID, plugin.getBundleId());
        properties.put(PluginEvents.REASON, why);
        // From the worker (never inside the check that found the plugin over: a thread started there would be checked
        // and inherit that thread's context): the event (posted, delivered on Event Admin's threads), then, each on a
        // thread of its own, the stop (its activator's stop, its @Deactivate) and the interrupts (a plugin's
        // Thread.interrupt override or channel close runs in them): plugin code that never returns holds that thread
        // only, never the worker that audits and carries later quarantines, and the stop never waits for the
        // interrupts; last, once the stop returned or had its time, its code is stopped wherever it still runs
        // (CodeStops). Each does nothing if the quarantine was lifted meanwhile (an operator started the plugin again).
        long id = plugin.getBundleId();
        BooleanSupplier still = () -> reasons.get(id) == why;
        worker.execute(() -> {
            try { // on the worker: the file is the container's, never written inside a check on the plugin's thread
                if (still.getAsBoolean()) {
                    record.put(id, String.valueOf(plugin.getSymbolicName()), why);
                }
            } catch (RuntimeException e) {
                logger.error("Could not record the quarantine of plugin {} ({}): it holds until the container stops",
                        plugin.getSymbolicName(), e.toString());
            }
            EventAdmin admin = events.get();
            try {
                if (admin != null) {
                    admin.postEvent(new Event(PluginEvents.QUARANTINED, properties));
                }
            } catch (RuntimeException e) {
                logger.error("Could not post the quarantine of plugin {}: {}", plugin.getSymbolicName(), e.toString());
            }
            java.util.concurrent.CompletableFuture<Void> stopped = stops.stopApart("quarantine", plugin, still,
                    stopOptions);
            CodeStops code = codeStops;
            if (code != null) { // once the stop returned or had its time, on a thread of the container's own
                stops.once("quarantine-code", plugin, () -> {
                    try {
                        stopped.get(CodeStops.STOP_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException held) {
                        // its stop has not returned: its code is stopped all the same, which may end the hold
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    code.stop(plugin, why, still);
                });
            }
            stops.once("quarantine-interrupts", plugin, () -> {
                try {
                    if (still.getAsBoolean()) {
                        interrupter.accept(plugin);
                    }
                } catch (RuntimeException e) {
                    logger.error("Could not interrupt quarantined plugin {}: {}", plugin.getSymbolicName(), e.toString());
                }
            });
        });
    }

    /** The plugin is starting again (an operator's plugin:start): the quarantine is lifted. */
    void lifted(long bundleId) {
        if (reasons.remove(bundleId) != null) {
            CodeStops code = codeStops;
            if (code != null) {
                code.resume(bundleId);
            }
            forget(bundleId);
        }
    }

    /**
     * The plugin is uninstalled (or its record is stale): its record goes, written on the worker (this may be called on
     * whatever thread changed the bundle, a plugin's own included, where the container's file is not to be written).
     */
    void forget(long bundleId) {
        reasons.remove(bundleId);
        Runnable removal = () -> {
            try {
                if (!reasons.containsKey(bundleId)) { // not quarantined again meanwhile
                    record.remove(bundleId);
                }
            } catch (RuntimeException e) {
                logger.error("Could not update the record of quarantined plugins: {}", e.toString());
            }
        };
        try {
            worker.execute(removal);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the security manager is stopping: the record is read again, and checked, at the next start
        }
    }

    /**
     * Waits up to {@code millis} until the quarantines made so far are recorded (the worker writes the record in order):
     * before the container stops on its own, so that the next start keeps them.
     */
    void awaitRecorded(long millis) {
        try {
            java.util.concurrent.CompletableFuture.runAsync(() -> { }, worker).get(millis,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | java.util.concurrent.RejectedExecutionException e) {
            logger.warn("The record of quarantined plugins may not be written: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why the plugin is quarantined, or null. */
    String reason(long bundleId) {
        return reasons.get(bundleId);
    }
}
