package ${package};

import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.plugin.Notifier;
import org.osgi.service.component.annotations.Component;

/**
 * Delivers the notifications sent on its channel ({@code NotificationService.send("${artifactId}", ...)}). The host
 * calls it from its durable outbox, at least once per notification: a crash between a successful delivery and the host
 * noting it means a second call for the same notification, so deliver where repeats are harmless or dropped. Throw when
 * it could not be delivered: the host retries with back-off, and after 8 attempts the operator sees it in
 * {@code notify:list --failed}.
 *
 * <p>This example writes to the plugin's log (standard output); replace {@link #deliver} with your system's client
 * (that needs {@code use:network} in {@code Carehost-Permissions}, granted by the operator for your system's host).
 */
@Component(service = Notifier.class, property = "channel=" + ExampleNotifier.CHANNEL)
public class ExampleNotifier implements Notifier {

    /** The channel senders name: this plugin's artifact id. */
    static final String CHANNEL = "${artifactId}";

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public void send(Notification notification) throws Exception {
        if (notification.recipient().isBlank()) {
            throw new IllegalArgumentException("the notification names no recipient");
        }
        deliver(notification);
    }

    /** Where the message goes; here, the plugin's log. */
    protected void deliver(Notification notification) {
        System.out.println("notification to " + notification.recipient() + ": "
                + (notification.subject() == null ? "" : notification.subject()));
    }
}
