package org.carehost.sdk.notify;

import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.resource.ValidationException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends notifications (permission {@code send:notifications}). {@link #send} puts the notification in the host's
 * outbox, in the store, before it returns: once it has returned the notification is not lost, whatever happens to
 * the container. The host delivers it through a {@link org.carehost.sdk.plugin.Notifier} registered for the channel
 * (service property {@code channel}), at least once: a failed attempt (the notifier threw or overran its deadline,
 * or no notifier serves the channel) is retried with growing pauses (5 s, 10 s, 20 s ... up to an hour) and after 8
 * attempts the notification is a dead letter ({@code notify:list --failed}). Every attempt is audited. A notifier
 * may be called twice for one notification (a crash between its success and the host noting it), so notifiers that
 * can should pass the notification's dedupe key on to their system.
 */
@ProviderType
public interface NotificationService {

    /**
     * Queues a notification for delivery.
     *
     * @param channel e.g. {@code log}, {@code sms}, {@code email}
     * @param dedupeKey the caller's key for this notification (e.g. {@code reminder/<appointment>/24h}): a second
     *        send with the same key in the same tenant is the same notification, not queued again
     * @return the notification's id (the first one's, for a repeated dedupe key)
     * @throws ValidationException when the channel or dedupe key is invalid
     */
    String send(String channel, Notification notification, String dedupeKey);
}
