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
 * ({@code carehost-quarantine-<bsn>}, {@link PluginStops}: a stop that never returns holds that thread only), the
 * reason audited and kept for {@code plugin:why} until an operator starts the plugin again ({@link #lifted}). The
 * deadlines of calls into plugins ({@link CallLimitsService}) use the same.
 */
final class Quarantine {

    private final Map<Long, String> reasons = new ConcurrentHashMap<>();
    private final Alerts alerts;
    private final Executor worker;
    private final Supplier<EventAdmin> events;
    private final Logger logger;
    private final PluginStops stops;
    /** Interrupts a quarantined plugin's threads and its tasks on shared workers (the run-time layer's, once it runs). */
    private volatile java.util.function.Consumer<Bundle> interrupter = plugin -> { };

    Quarantine(Alerts alerts, Executor worker, Supplier<EventAdmin> events, Logger logger) {
        this.alerts = alerts;
        this.worker = worker;
        this.events = events;
        this.logger = logger;
        this.stops = new PluginStops(logger);
    }

    /**
     * What every quarantine does to the plugin's running work, whatever its reason (a budget, the thread cap, a deadline,
     * an operator): its own threads and the shared workers in its tasks' charge are interrupted.
     */
    void interruptWith(java.util.function.Consumer<Bundle> interrupter) {
        this.interrupter = interrupter;
    }

    void quarantine(Bundle plugin, String reason) {
        stop(plugin, "quarantined: it tried to " + reason + "; it was stopped (plugin:start lifts the quarantine)");
    }

    /** Quarantines for a reason said whole ("it overran its validator deadline ..."), as the call limits do. */
    void quarantineBecause(Bundle plugin, String because) {
        stop(plugin, "quarantined: " + because + "; it was stopped (plugin:start lifts the quarantine)");
    }

    private void stop(Bundle plugin, String why) {
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
        // interrupts. Each does nothing if the quarantine was lifted meanwhile (an operator started the plugin again).
        long id = plugin.getBundleId();
        BooleanSupplier still = () -> reasons.get(id) == why;
        worker.execute(() -> {
            EventAdmin admin = events.get();
            try {
                if (admin != null) {
                    admin.postEvent(new Event(PluginEvents.QUARANTINED, properties));
                }
            } catch (RuntimeException e) {
                logger.error("Could not post the quarantine of plugin {}: {}", plugin.getSymbolicName(), e.toString());
            }
            stops.stopApart("quarantine", plugin, still);
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
        reasons.remove(bundleId);
    }

    /** Why the plugin is quarantined, or null. */
    String reason(long bundleId) {
        return reasons.get(bundleId);
    }
}
