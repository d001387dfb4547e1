package org.carehost.security.internal;

import java.util.Hashtable;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.carehost.security.Grants;
import org.carehost.security.PluginEventCalls;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Event delivery to plugins through the container. {@link ServiceGate} hides every plugin's EventHandler from
 * Event Admin; for each one this registers, from the security manager's own context, a {@link PluginEventHandler}
 * with the same {@code event.topics}, {@code event.filter} and {@code event.delivery}, which Event Admin calls
 * instead. A handler whose topics reach events the plugin may not read gets no wrapper, so no events (the rule
 * Event Admin applied to the plugin's own registration before). The wrapper goes when the plugin's handler goes,
 * is replaced when its properties change, and all go when {@link #close} is called.
 */
final class PluginEventDelivery implements ServiceTrackerCustomizer<EventHandler, PluginEventDelivery.Wrapped> {

    /** What Event Admin reads from a handler's registration, copied to the wrapper. */
    static final List<String> COPIED = List.of(EventConstants.EVENT_TOPIC, EventConstants.EVENT_FILTER,
            EventConstants.EVENT_DELIVERY);
    /** Marks a wrapper with the plugin and the service it delivers for (for diagnosis; a plugin never sees it). */
    static final String FOR_PLUGIN = "carehost.delivers.to.plugin";
    static final String FOR_SERVICE = "carehost.delivers.to.service.id";

    private final BundleContext context;
    private final PluginScope scope;
    private final Function<Bundle, Grants> grants;
    private final Supplier<EventCare> care;
    private final Supplier<PluginEventCalls> calls;
    private final Logger logger;
    private final ServiceTracker<EventHandler, Wrapped> tracker;

    PluginEventDelivery(BundleContext context, PluginScope scope, Function<Bundle, Grants> grants,
            Supplier<EventCare> care, Supplier<PluginEventCalls> calls, Logger logger) {
        this.calls = calls;
        this.context = context;
        this.scope = scope;
        this.grants = grants;
        this.care = care;
        this.logger = logger;
        this.tracker = new ServiceTracker<>(context, EventHandler.class, this);
    }

    void open() {
        tracker.open();
    }

    /** Unregisters every wrapper: Event Admin delivers nothing more to plugins. */
    void close() {
        tracker.close();
    }

    @Override
    public Wrapped addingService(ServiceReference<EventHandler> reference) {
        if (!scope.isPlugin(reference.getBundle())) {
            return null; // the container's own handlers and our wrappers: Event Admin sees them as they are
        }
        Wrapped wrapped = new Wrapped();
        wrapped.wrap(reference);
        return wrapped;
    }

    @Override
    public void modifiedService(ServiceReference<EventHandler> reference, Wrapped wrapped) {
        wrapped.unwrap();
        wrapped.wrap(reference); // topics may now reach what the plugin may not read, or no longer
    }

    @Override
    public void removedService(ServiceReference<EventHandler> reference, Wrapped wrapped) {
        wrapped.remove();
    }

    /** The wrapper registered for one plugin handler, if any. */
    final class Wrapped {
        private PluginEventHandler handler;
        private ServiceRegistration<EventHandler> registration;
        /** Set once the plugin's handler is gone: a re-wrap racing with its removal must not register again. */
        private boolean removed;

        synchronized void wrap(ServiceReference<EventHandler> reference) {
            Bundle plugin = reference.getBundle();
            if (plugin == null || removed) {
                return; // unregistered meanwhile
            }
            String forbidden = ServiceGate.forbiddenTopic(grants.apply(plugin), reference);
            if (forbidden != null) {
                logger.debug("Plugin {}: its event handler gets no events, it subscribes to {}",
                        plugin.getSymbolicName(), forbidden);
                return;
            }
            Hashtable<String, Object> properties = new Hashtable<>();
            for (String key : COPIED) {
                Object value = reference.getProperty(key);
                if (value != null) {
                    properties.put(key, value);
                }
            }
            properties.put(FOR_PLUGIN, String.valueOf(plugin.getSymbolicName()));
            properties.put(FOR_SERVICE, reference.getProperty(org.osgi.framework.Constants.SERVICE_ID));
            handler = new PluginEventHandler(context, reference, grants, care, calls, logger);
            try {
                registration = context.registerService(EventHandler.class, handler, properties);
            } catch (IllegalStateException stopping) {
                handler = null; // this bundle is stopping
            }
        }

        void remove() {
            synchronized (this) {
                removed = true;
            }
            unwrap();
        }

        void unwrap() {
            ServiceRegistration<EventHandler> registered;
            PluginEventHandler wrapper;
            synchronized (this) {
                registered = registration;
                wrapper = handler;
                registration = null;
                handler = null;
            }
            if (registered != null) {
                try {
                    registered.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the framework is stopping
                }
            }
            if (wrapper != null) {
                wrapper.close();
            }
        }
    }
}
