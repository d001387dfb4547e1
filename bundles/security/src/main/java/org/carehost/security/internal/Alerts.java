package org.carehost.security.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.carehost.sdk.event.SecurityEvents;
import org.carehost.sdk.plugin.PluginEvents;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * How the security manager makes its decisions known: each refusal or alarm is remembered (for
 * {@code security:denials}), logged, and posted on Event Admin, where the audit bundle records it. Posting runs
 * on the security manager's own thread, never inside a framework hook or a plugin's call. While Event Admin is not
 * there (the security manager starts first) events are held, up to a thousand, and posted when it comes.
 */
final class Alerts implements PluginGrants.Alarms {

    private final Denials denials;
    private final Logger logger;
    private final Executor worker;
    private final Supplier<EventAdmin> events;
    /** Events posted while Event Admin was not there, in order; touched on the worker only. */
    private final java.util.ArrayDeque<Event> held = new java.util.ArrayDeque<>();
    private int heldDropped;
    private static final int HELD_MAX = 1000;

    Alerts(Denials denials, Logger logger, Executor worker, Supplier<EventAdmin> events) {
        this.denials = denials;
        this.logger = logger;
        this.worker = worker;
        this.events = events;
    }

    /** A refusal of a plugin's act that is not a service call (those are audited by the service itself). */
    void denied(Bundle plugin, String operation, String permission, String reason) {
        denied(String.valueOf(plugin.getSymbolicName()), plugin.getVersion().toString(), operation, permission, reason);
    }

    /** A refusal that is not a service call (those are audited by the service itself). */
    void denied(String plugin, String version, String operation, String permission, String reason) {
        denials.record(plugin, version, permission, reason);
        logger.warn("Plugin {} {} {}", plugin, version, reason);
        post(plugin, version, operation, permission, reason);
    }

    /**
     * A plugin refused at resolve: recorded and posted like any denial, but logged at INFO, since the plugin manager
     * reports the same reason as the plugin's one FAILED line (the console shows one line per refused plugin).
     */
    void refusedToResolve(Bundle plugin, String reason) {
        String name = String.valueOf(plugin.getSymbolicName());
        String version = plugin.getVersion().toString();
        denials.record(name, version, null, reason);
        logger.info("Plugin {} {} {}", name, version, reason);
        post(name, version, "resolve", null, reason);
    }

    private void post(String plugin, String version, String operation, String permission, String reason) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(SecurityEvents.PLUGIN, plugin);
        properties.put(SecurityEvents.VERSION, version);
        properties.put(SecurityEvents.OPERATION, "security." + operation);
        properties.put(SecurityEvents.REASON, reason);
        if (permission != null) {
            properties.put(SecurityEvents.PERMISSION, permission);
        }
        post(SecurityEvents.DENIED, properties);
    }

    /**
     * An operator's change of the policy (grant, revoke, mode); {@code plugin} may be null, {@code user} (who made it)
     * too when that cannot be told.
     */
    void policyChanged(String operation, String plugin, String permissions, String reason, String user) {
        Map<String, Object> properties = new HashMap<>();
        if (user != null) {
            properties.put(SecurityEvents.USER, user);
        }
        if (plugin != null) {
            properties.put(SecurityEvents.PLUGIN, plugin);
        }
        if (permissions != null) {
            properties.put(SecurityEvents.PERMISSION, permissions);
        }
        properties.put(SecurityEvents.OPERATION, operation);
        properties.put(SecurityEvents.REASON, reason);
        post(SecurityEvents.POLICY_CHANGED, properties);
    }

    @Override
    public void quotaExceeded(PluginGrants plugin, long limitPerMinute) {
        alarm(plugin, "quota", PluginEvents.RESOURCE_EXCEEDED,
                "went over its quota of " + limitPerMinute + " host-service calls per minute");
    }

    @Override
    public void anomaly(PluginGrants plugin, long distinctPatients, long threshold) {
        alarm(plugin, "anomaly", SecurityEvents.ACCESS_ANOMALY, "touched " + distinctPatients
                + " distinct patients within an hour (threshold " + threshold + "): access anomaly");
    }

    @Override
    public void denialBurst(PluginGrants plugin, long refusals, long threshold) {
        alarm(plugin, "anomaly", SecurityEvents.ACCESS_ANOMALY, "was refused " + refusals + " times within a minute "
                + "(threshold " + threshold + ", anomaly denials-per-minute in the policy): access anomaly");
    }

    /** Posted on its own topic (for whoever watches it) and audited as a denial. */
    private void alarm(PluginGrants plugin, String operation, String topic, String reason) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(PluginEvents.SYMBOLIC_NAME, plugin.plugin());
        properties.put(PluginEvents.VERSION, plugin.version());
        properties.put(PluginEvents.REASON, reason);
        properties.put(SecurityEvents.PLUGIN, plugin.plugin());
        properties.put(SecurityEvents.VERSION, plugin.version());
        properties.put(SecurityEvents.REASON, reason);
        post(topic, properties);
        denied(plugin.plugin(), plugin.version(), operation, null, reason);
    }

    private void post(String topic, Map<String, Object> properties) {
        try {
            worker.execute(() -> send(new Event(topic, properties)));
        } catch (RejectedExecutionException stopping) {
            logger.warn("Security manager stopping: {} {} not posted", topic, properties);
        }
    }

    /** On the worker: posts the event, after any held; holds it while Event Admin is not there. */
    private void send(Event event) {
        EventAdmin admin = events.get();
        if (admin == null) {
            if (held.size() < HELD_MAX) {
                held.add(event);
                logger.warn("Event Admin is not running: {} held until it is, to be audited then", event.getTopic());
            } else {
                heldDropped++;
                logger.warn("Event Admin is not running and {} events are held already: {} {} not posted (so not "
                        + "audited)", HELD_MAX, event.getTopic(), event.getProperty(SecurityEvents.REASON));
            }
            return;
        }
        flush(admin);
        admin.sendEvent(event);
    }

    /** Event Admin has come (the security manager's bind): what was held meanwhile is posted now, in order. */
    void eventAdminArrived() {
        try {
            worker.execute(() -> {
                EventAdmin admin = events.get();
                if (admin != null) {
                    flush(admin);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // stopping: nothing to flush into
        }
    }

    private void flush(EventAdmin admin) {
        for (Event event = held.poll(); event != null; event = held.poll()) {
            admin.sendEvent(event);
        }
        if (heldDropped > 0) {
            logger.warn("Security: {} events were not posted while Event Admin was not running (beyond the {} held)",
                    heldDropped, HELD_MAX);
            heldDropped = 0;
        }
    }
}
