package org.carehost.notifications;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Delivers outbox entries of the channels starting with its {@link #PREFIX} service property (a container bundle
 * registers one: the adapters, {@code adapter:}). The outbox calls it for each attempt, claims the entry first so that
 * one node delivers it, and retries it as it retries notifications when it throws. It calls plugin code through
 * {@code PluginCalls} itself.
 *
 * @since 1.1
 */
@ConsumerType
public interface OutboxDestination {

    /** Service property: the channel prefix this destination delivers, e.g. {@code adapter:}. */
    String PREFIX = "outbox.prefix";

    /**
     * One attempt; throws when it failed (the message is kept as the entry's last error).
     *
     * @param entry the entry, {@code attempts} not yet counting this one
     * @param purpose the purpose of use it was queued for
     * @param message its opened content
     * @return a short note on success for the audit record (a receipt), or null
     */
    String deliver(OutboxEntry entry, String purpose, String message) throws Exception;
}
