package org.carehost.security.internal;

import java.util.function.Function;
import java.util.function.Supplier;

import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.event.PatientEvents;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.PluginEventCalls;
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
 * The handler is called as any other call into a plugin ({@link PluginEventCalls}, kind {@code event}): on the
 * container's pool with the plugin's deadline, counted, refused while the plugin drains for an update or is
 * quarantined, repeated overruns quarantining it; the context is bound on the pool thread that runs it. What it throws,
 * or why it was not called, is logged here naming the plugin and never reaches Event Admin. Event Admin's own timeout
 * does not apply to this wrapper ({@code org.apache.felix.eventadmin.IgnoreTimeout} names it, in runtime.bndrun): the
 * call's deadline bounds it, and Felix's deny-listing would otherwise cut the plugin off its events for good.
 */
final class PluginEventHandler implements EventHandler {

    /** Property a container event may carry to say why its data is used (a {@link Purpose} name or code). */
    static final String PURPOSE = "purpose";

    private final BundleContext context;
    private final ServiceReference<EventHandler> original;
    private final Bundle plugin;
    private final Function<Bundle, Grants> grants;
    private final Supplier<EventCare> care;
    private final Supplier<PluginEventCalls> calls;
    private final Logger logger;
    /** The plugin's handler, got at the first event (as Event Admin would: a delayed component stays unbuilt). */
    private volatile EventHandler target;
    private volatile boolean closed;

    PluginEventHandler(BundleContext context, ServiceReference<EventHandler> original, Function<Bundle, Grants> grants,
            Supplier<EventCare> care, Supplier<PluginEventCalls> calls, Logger logger) {
        this.calls = calls;
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
            // no care context running: none can be bound where the handler runs either
            deliver(event, link == null ? null : link::unbound);
            return;
        }
        if (link == null) {
            logger.warn("Event {} for tenant {} not delivered to plugin {}: the care context is not running", topic,
                    tenant, name());
            return;
        }
        Purpose purpose = purpose(event);
        try {
            if (!link.enabled(name(), String.valueOf(tenant))) {
                logger.debug("Event {} not delivered to plugin {}: not enabled for tenant {}", topic, name(), tenant);
                return;
            }
        } catch (RuntimeException e) {
            logger.warn("Event {} for tenant {} not delivered to plugin {}: {}", topic, tenant, name(), e.getMessage());
            return;
        }
        deliver(event, () -> link.enter(String.valueOf(tenant), purpose));
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

    /**
     * Hands the event to the plugin's handler as a call into the plugin ({@link PluginEventCalls}: on the container's
     * pool, bounded by its {@code event} deadline, counted, refused while it drains or is quarantined), with the care
     * context {@code binding} binds around it on the thread it runs on. Getting the handler runs inside the call too
     * (a delayed component is built then: its constructor and activate are the plugin's code, bounded like the rest).
     * While no {@link PluginEventCalls} is there (the plugins bundle starting or stopping) the event is not delivered,
     * with a warning: Event Admin's timeout does not bound this wrapper, so the plugin's code never runs on the
     * sender's thread. What the call throws, or why it was not made, is logged here, naming the plugin, and never
     * reaches Event Admin.
     */
    private void deliver(Event event, Supplier<EventCare.Bound> binding) {
        RuntimeException[] notBound = new RuntimeException[1];
        Runnable delivery = () -> {
            EventHandler handler = target();
            if (handler == null) {
                return;
            }
            EventCare.Bound bound;
            try {
                bound = binding == null ? null : binding.get();
            } catch (RuntimeException e) {
                notBound[0] = e; // no such tenant: the event is not the plugin's to handle
                return;
            }
            try (EventCare.Bound context = bound) {
                handler.handleEvent(event);
            }
        };
        PluginEventCalls via = calls.get();
        if (via == null) {
            logger.warn("Event {} not delivered to plugin {}: the container's plugin calls are not running (the plugins "
                    + "bundle is starting or stopping); 'plugin:why {}' tells more", event.getTopic(), name(), name());
            return;
        }
        try {
            via.deliver(plugin, event.getTopic(), delivery);
        } catch (Exception | LinkageError | StackOverflowError e) {
            logger.warn("Plugin {} failed handling event {}: {}", name(), event.getTopic(),
                    e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        if (notBound[0] != null) {
            logger.warn("Event {} for tenant {} not delivered to plugin {}: {}", event.getTopic(),
                    event.getProperty(PatientEvents.TENANT), name(), notBound[0].getMessage());
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
