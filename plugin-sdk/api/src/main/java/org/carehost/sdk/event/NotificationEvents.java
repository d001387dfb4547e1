package org.carehost.sdk.event;

/**
 * Topics posted on Event Admin after each delivery attempt of a notification from the outbox
 * ({@code org.carehost.sdk.notify.NotificationService}). They carry ids, never the notification's content.
 *
 * @since 1.3
 */
public final class NotificationEvents {

    public static final String TOPIC_PREFIX = "carehost/notification/";
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";
    /** The channel's notifier took it. */
    public static final String DELIVERED = TOPIC_PREFIX + "DELIVERED";
    /** The attempt failed; another follows after a pause. */
    public static final String RETRYING = TOPIC_PREFIX + "RETRYING";
    /** Every attempt failed: a dead letter ({@code notify:list --failed}). */
    public static final String DEAD = TOPIC_PREFIX + "DEAD";

    /** Property: the notification's id, as {@code send} returned it ({@code String}). */
    public static final String NOTIFICATION_ID = "notification.id";
    /** Property: the channel ({@code String}). */
    public static final String CHANNEL = "channel";
    /** Property: the symbolic name of the plugin that sent it ({@code String}). */
    public static final String SENDER = "sender";
    /** Property: attempts made so far ({@code Integer}). */
    public static final String ATTEMPTS = "attempts";
    /** Property: the tenant it was sent in ({@code String}). */
    public static final String TENANT = "tenant";

    private NotificationEvents() {
    }
}
