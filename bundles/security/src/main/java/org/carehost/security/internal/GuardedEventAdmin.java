package org.carehost.security.internal;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The Event Admin plugins see: one instance per plugin, posting through the real one only with
 * {@code publish:events}, and never on the container's own topics ({@code carehost/...}), so that no plugin can
 * forge a patient, plugin or security event. The real Event Admin is hidden from plugins. A posted event waits in the
 * plugin's own bounded queue ({@link PostQueues}), delivered through the real one's {@code sendEvent}.
 */
final class GuardedEventAdmin implements ServiceFactory<EventAdmin> {

    /** Service property marking this registration, the only Event Admin a plugin may see. */
    static final String GUARD_PROPERTY = "carehost.guarded";
    static final String RESERVED_PREFIX = "carehost/";

    private final Supplier<EventAdmin> real;
    private final java.util.function.Function<Bundle, Grants> grants;
    private final BiConsumer<Bundle, String> refused;
    private final PostQueues posts;

    /**
     * {@code refused}: told of every refused post (plugin, reason), to be recorded and audited; {@code posts}: where
     * posted events wait for their delivery, a bounded queue per plugin.
     */
    GuardedEventAdmin(Supplier<EventAdmin> real, java.util.function.Function<Bundle, Grants> grants,
            BiConsumer<Bundle, String> refused, PostQueues posts) {
        this.real = real;
        this.grants = grants;
        this.refused = refused;
        this.posts = posts;
    }

    @Override
    public EventAdmin getService(Bundle plugin, ServiceRegistration<EventAdmin> registration) {
        Grants held = grants.apply(plugin);
        return new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                delegate(event);
                posts.post(plugin, event); // not Event Admin's own queue, which has no bound and outlives the poster
            }

            @Override
            public void sendEvent(Event event) {
                delegate(event).sendEvent(event);
            }

            private EventAdmin delegate(Event event) {
                held.check(Permission.PUBLISH_EVENTS);
                if (event.getTopic().startsWith(RESERVED_PREFIX)) {
                    String reason = "posted on " + event.getTopic() + ", a topic only the container may post on";
                    refused.accept(plugin, reason);
                    throw new IllegalArgumentException("The topic " + event.getTopic() + " is reserved for the "
                            + "container; post under your own, e.g. org/example/plugin/DONE");
                }
                EventAdmin admin = real.get();
                if (admin == null) {
                    throw new IllegalStateException("Event Admin is not running");
                }
                return admin;
            }
        };
    }

    @Override
    public void ungetService(Bundle plugin, ServiceRegistration<EventAdmin> registration, EventAdmin service) {
        // nothing held per plugin
    }
}
