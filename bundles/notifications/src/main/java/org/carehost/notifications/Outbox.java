package org.carehost.notifications;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The outbox as the container's own bundles see it: the operator's view ({@code notify:list}), and, for a container
 * bundle with an {@link OutboxDestination}, a durable queue with the outbox's retries, back-off and dead letters.
 */
@ProviderType
public interface Outbox {

    /** The newest 200 entries; with {@code failedOnly}, the dead letters only. */
    List<OutboxEntry> entries(boolean failedOnly);

    /**
     * Stores an entry for the {@link OutboxDestination} whose prefix its channel starts with (sealed like PHI,
     * committed before it returns), held from the poller for two minutes so that the caller makes the first attempt
     * with {@link #attemptNow} (if it never does, the poller attempts it after that).
     *
     * @param channel {@code <destination prefix><name>}, e.g. {@code adapter:lab}
     * @param dedupeKey unique per sender and tenant: a second entry with it is not stored again
     * @return the entry's id (the first one's, for a repeated dedupe key)
     * @since 1.1
     */
    String enqueue(String sender, String tenant, String purpose, String channel, String dedupeKey, String message);

    /**
     * Makes one delivery attempt of the entry now, if it is pending and no one else holds it (the poller, another
     * node), and returns it as it is afterwards; empty when there is no such entry.
     *
     * @since 1.1
     */
    Optional<OutboxEntry> attemptNow(String id);
}
