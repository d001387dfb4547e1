package org.carehost.security;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * How the security manager hands an event to a plugin's own {@code EventHandler}: as a call into the plugin's code
 * like any other (a validator, a notifier, a scheduled run), on the container's pool, bounded by the plugin's
 * {@code event} deadline, counted in its call counters ({@code plugin:top}), refused while it drains for an update or
 * is quarantined, and an overrun counted towards its quarantine. Provided by the plugins bundle over its
 * {@code PluginCalls}; until that is there (at start and stop), events are handed to plugins' handlers directly.
 *
 * @since 1.7
 */
@ProviderType
public interface PluginEventCalls {

    /**
     * Runs {@code delivery} (which calls the plugin's handler with the event, in the care context it binds) as a call
     * into {@code plugin}, and returns once it has run.
     *
     * @param topic the event's topic, for messages and counters
     * @throws Exception when the handler threw, overran its deadline (it is then left running on the pool, not on the
     *         caller's thread), or the call was refused; the message names the plugin and why
     */
    void deliver(Bundle plugin, String topic, Runnable delivery) throws Exception;
}
