package org.carehost.security.internal;

import java.util.function.Function;
import java.util.function.Supplier;

import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.event.PatientEvents;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;

/**
 * The event handler Event Admin calls in place of a plugin's own (which it does not see): it hands each event on
 * only if the plugin may have it, and in the care context of the event's tenant.
 * <ul>
 * <li>an event on a gated topic the plugin may not read (now: a grant may have been revoked) is dropped;</li>
 * <li>a container event ({@code carehost/...}, which only the container may post) with a {@code tenant} property is
 * dropped if the plugin is not enabled for that tenant, or if the care context is not running; otherwise it is
 * delivered with a context bound for that tenant: no user (the plugin acting on its own), purpose from the event's
 * {@code purpose} property if it has one, else treatment for patient and appointment events and operations for the
 * others; unbound when the handler returns;</li>
 * <li>any other event (no tenant, or a plugin's own topic, whose {@code tenant} is only the poster's claim) is
 * delivered as before, with no context bound: the plugin's calls then run as {@code ContextBinder.effective} says
 * (the default tenant, or refused with {@code unboundPurpose=refuse}), since nothing says whose data it is.</li>
 * </ul>
 * What the handler throws is logged here and never reaches Event Admin. A handler that runs past Event Admin's
 * timeout still gets this wrapper blacklisted by Felix, as the plugin's own registration would have been: there is
 * one wrapper per plugin handler, so only that plugin loses its events, until its handler is registered again.
 */
final class PluginEventHandler implements EventHandler {

    /** Property a container event may carry to say why its data is used (a {@link Purpose} name or code). */
    static final String PURPOSE = "purpose";

    private final BundleContext context;
    private final ServiceReference<EventHandler> original;
    private final Bundle plugin;
    private final Function<Bundle, Grants> grants;
    private final Supplier<EventCare> care;
    private final Logger logger;
    /** The plugin's handler, got at the first event (as Event Admin would: a delayed component stays unbuilt). */
    private volatile EventHandler target;
    private volatile boolean closed;

    PluginEventHandler(BundleContext context, ServiceReference<EventHandler> original, Function<Bundle, Grants> grants,
            Supplier<EventCare> care, Logger logger) {
        this.context = context;
        this.original = original;
        this.plugin = original.getBundle();
        this.grants = grants;
        this.care = care;
        this.logger = logger;
    }

    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        Permission missing = ServiceGate.forbiddenEvent(grants.apply(plugin), topic);
        if (missing != null) {
            return;
        }
        Object tenant = event.getProperty(PatientEvents.TENANT);
        EventCare link = care.get();
        if (tenant == null || !topic.startsWith(GuardedEventAdmin.RESERVED_PREFIX)) {
            if (link == null) {
                deliver(event); // no care context running: none can be bound on this thread either
                return;
            }
            try (EventCare.Bound none = link.unbound()) {
                deliver(event);
            }
            return;
        }
        if (link == null) {
            logger.warn("Event {} for tenant {} not delivered to plugin {}: the care context is not running", topic,
                    tenant, name());
            return;
        }
        Purpose purpose = purpose(event);
        EventCare.Bound bound;
        try {
            if (!link.enabled(name(), String.valueOf(tenant))) {
                logger.debug("Event {} not delivered to plugin {}: not enabled for tenant {}", topic, name(), tenant);
                return;
            }
            bound = link.enter(String.valueOf(tenant), purpose);
        } catch (RuntimeException e) {
            logger.warn("Event {} for tenant {} not delivered to plugin {}: {}", topic, tenant, name(), e.getMessage());
            return;
        }
        try (EventCare.Bound context = bound) {
            deliver(event);
        }
    }

    /** The purpose the event states (never emergency: break-glass needs a user and a reason), else the topic's. */
    static Purpose purpose(Event event) {
        Object stated = event.getProperty(PURPOSE);
        if (stated != null) {
            try {
                Purpose purpose = Purpose.parse(String.valueOf(stated));
                if (purpose != Purpose.EMERGENCY) {
                    return purpose;
                }
            } catch (IllegalArgumentException unknown) {
                // the topic's purpose, below
            }
        }
        String topic = event.getTopic();
        return topic.startsWith(PatientEvents.TOPIC_PREFIX) || topic.startsWith(AppointmentEvents.TOPIC_PREFIX)
                ? Purpose.TREATMENT : Purpose.OPERATIONS;
    }

    private void deliver(Event event) {
        EventHandler handler = target();
        if (handler == null) {
            return;
        }
        try {
            handler.handleEvent(event);
        } catch (Exception | LinkageError | StackOverflowError e) {
            logger.warn("Plugin {} failed handling event {}: {}", name(), event.getTopic(), e.toString(), e);
        }
    }

    /**
     * The plugin's handler. Got outside any lock: getting it may activate the plugin's component while SCR, on
     * another thread, unregisters it and so calls {@link #close}.
     */
    private EventHandler target() {
        EventHandler handler = target;
        if (handler != null || closed) {
            return handler;
        }
        EventHandler got;
        try {
            got = context.getService(original);
        } catch (RuntimeException gone) {
            return null; // unregistered or its component failed: nothing to deliver to (SCR logs why)
        }
        synchronized (this) {
            if (!closed && target == null) {
                target = got;
                return got;
            }
        }
        if (got != null) {
            release(); // closed meanwhile, or another thread got it first: one use of it too many
        }
        return target;
    }

    /** Releases the plugin's handler: called once the wrapper is unregistered. */
    void close() {
        EventHandler held;
        synchronized (this) {
            closed = true;
            held = target;
            target = null;
        }
        if (held != null) {
            release();
        }
    }

    private void release() {
        try {
            context.ungetService(original);
        } catch (IllegalStateException stopping) {
            // this bundle is stopping: the framework releases it
        }
    }

    private String name() {
        return String.valueOf(plugin.getSymbolicName());
    }
}
