package org.carehost.notifications;

import java.time.Instant;

/**
 * A notification in the outbox, without its content (which is sealed and holds PHI).
 *
 * @param state PENDING, SENDING, DELIVERED or DEAD (a dead letter: every attempt failed)
 */
public record OutboxEntry(String id, String plugin, String tenant, String channel, String dedupeKey, String state,
        int attempts, Instant nextAttempt, String lastError, Instant created) {
}
