package org.carehost.security.internal;

import org.carehost.sdk.context.Purpose;

/**
 * What event delivery needs of the care context: whether a plugin is enabled for a tenant, and a context bound
 * around the call into the plugin. An interface of this bundle, provided by {@link CareContextLink}, so that the
 * security manager and its hooks run without the care-context bundle (it needs the store, which starts later and
 * may fail); until it is there, events for a tenant are not delivered to plugins.
 */
public interface EventCare {

    /** Whether the plugin (by symbolic name) acts for the tenant. */
    boolean enabled(String plugin, String tenant);

    /**
     * Declares the context of a plugin acting on its own (no user, no roles) in {@code tenant} for
     * {@code purpose}, and binds it to this thread until the result is closed.
     *
     * @throws IllegalArgumentException when there is no such tenant
     */
    Bound enter(String tenant, Purpose purpose);

    /**
     * Binds no context to this thread until the result is closed: an event without a tenant must not run in
     * whatever context its sender's thread had (a handler that sends an event from inside its own handling).
     */
    Bound unbound();

    /** The user of the care context bound to this thread (an operator's command or request), or null when none is. */
    String currentUser();

    /** A bound context; closing it restores what was bound before. */
    interface Bound extends AutoCloseable {
        @Override
        void close();
    }
}
