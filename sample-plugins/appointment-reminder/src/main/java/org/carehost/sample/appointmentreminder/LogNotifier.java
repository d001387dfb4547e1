package org.carehost.sample.appointmentreminder;

import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.plugin.Notifier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Delivers notifications to the log: a channel that works out of the box, for development and demos.
 * Logs are read by operators and kept long, so it logs the body (which senders keep minimal) and the
 * subject, but only the kind of recipient, never the patient id, phone number or address.
 */
@Component(service = Notifier.class, property = "channel=" + LogNotifier.CHANNEL)
public class LogNotifier implements Notifier {

    static final String CHANNEL = "log";

    private final Logger log;

    @Activate
    public LogNotifier(@Reference(service = LoggerFactory.class) Logger log) {
        this.log = log;
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public void send(Notification notification) {
        log.info("Notification to {}: [{}] {}", recipientKind(notification.recipient()), notification.subject(),
                notification.body());
    }

    static String recipientKind(String recipient) {
        if (recipient.startsWith("Patient/")) {
            return "a patient";
        }
        if (recipient.contains("@")) {
            return "an e-mail address";
        }
        return "a phone number";
    }
}
