package org.carehost.notifications.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.notifications.OutboxEntry;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.event.NotificationEvents;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * What one delivery attempt came to, recorded: the entry's new state (delivered; a dead letter after {@value
 * Delivery#MAX_ATTEMPTS} attempts; else due again after {@link #pause}), if the attempt's claim still holds; the event
 * posted ({@code carehost/notification/DELIVERED|RETRYING|DEAD}, ids only) and the audit record (who sent it, which
 * channel and notifier, the outcome; never the content).
 */
final class Outcomes {

    private final OutboxRows rows;
    private final EventAdmin events;
    private final AuditLog audit;
    private final Logger log;
    /** The container's clock, as {@link Delivery} reads it. */
    private final Supplier<Instant> now;

    Outcomes(OutboxRows rows, EventAdmin events, AuditLog audit, Logger log, Supplier<Instant> now) {
        this.rows = rows;
        this.events = events;
        this.audit = audit;
        this.log = log;
        this.now = now;
    }

    void record(OutboxRows.Row row, long claimed, String error, String operation, String note) {
        OutboxEntry entry = row.entry();
        Instant at = now.get();
        int attempts = entry.attempts() + 1;
        int recorded;
        if (error == null) {
            recorded = rows.finish(entry.id(), claimed, "DELIVERED", attempts, at, null);
        } else if (attempts >= Delivery.MAX_ATTEMPTS) {
            recorded = rows.finish(entry.id(), claimed, "DEAD", attempts, at, error);
        } else {
            recorded = rows.finish(entry.id(), claimed, "PENDING", attempts, at.plus(pause(attempts)), error);
        }
        if (recorded == 0) {
            // the claim was taken over meanwhile (it expired, or was released): the entry's other holder decides
            log.warn("Outbox: the outcome of notification {} on channel {} ({}) was not recorded: its claim was taken "
                    + "over while it was being delivered (the delivery took longer than the claim's {}); it is "
                    + "attempted again by the claim's new holder, so its notifier may see it twice", entry.id(),
                    entry.channel(), error == null ? "delivered" : "failed: " + error, Delivery.CLAIM);
        }
        String topic = error == null ? NotificationEvents.DELIVERED
                : attempts >= Delivery.MAX_ATTEMPTS ? NotificationEvents.DEAD : NotificationEvents.RETRYING;
        events.postEvent(new Event(topic, Map.of(NotificationEvents.NOTIFICATION_ID, entry.id(),
                NotificationEvents.CHANNEL, entry.channel(), NotificationEvents.SENDER, entry.plugin(),
                NotificationEvents.ATTEMPTS, attempts, NotificationEvents.TENANT, entry.tenant())));
        audit.append(new AuditEvent(entry.plugin(), null, null, row.purpose(), entry.tenant(), null, null, null,
                AuditAction.EXECUTE, operation, "Notification", entry.id(), null, note + " attempt " + attempts,
                error == null ? AuditOutcome.SUCCESS : AuditOutcome.ERROR,
                error == null ? null : (attempts >= Delivery.MAX_ATTEMPTS ? "dead letter: " : "will retry: ") + error));
    }

    /** The pause after the {@code attempts}-th failed attempt: 5 s, doubling, at most an hour. */
    static Duration pause(int attempts) {
        Duration pause = Delivery.FIRST_PAUSE.multipliedBy(1L << Math.min(20, attempts - 1));
        return pause.compareTo(Delivery.LONGEST_PAUSE) > 0 ? Delivery.LONGEST_PAUSE : pause;
    }
}
