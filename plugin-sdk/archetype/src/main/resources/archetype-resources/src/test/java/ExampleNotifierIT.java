package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;

import org.carehost.sdk.event.NotificationEvents;
import org.carehost.sdk.notify.NotificationService;
import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.testkit.Carehost;
import org.carehost.sdk.testkit.CarehostTest;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** The packaged plugin in a real container: a notification sent on its channel is delivered through it. */
@CarehostTest
class ExampleNotifierIT {

    @Test
    void theOutboxDeliversThroughThisNotifier(Carehost carehost, NotificationService notifications)
            throws InterruptedException {
        String id = notifications.send(ExampleNotifier.CHANNEL,
                new Notification("ward-7", "Reminder", "Round at 10:00"), "example/1");
        Event delivered = awaitDelivered(carehost, id);
        assertEquals(ExampleNotifier.CHANNEL, delivered.getProperty(NotificationEvents.CHANNEL));
        // The same dedupe key is the same notification: not queued again.
        assertEquals(id, notifications.send(ExampleNotifier.CHANNEL,
                new Notification("ward-7", "Reminder", "Round at 10:00"), "example/1"));
    }

    /** Waits for the host's DELIVERED event of {@code id} (the outbox delivers within a moment). */
    private static Event awaitDelivered(Carehost carehost, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<Event> delivered = carehost.notifications();
            for (Event event : delivered) {
                if (id.equals(event.getProperty(NotificationEvents.NOTIFICATION_ID))) {
                    return event;
                }
            }
            Thread.sleep(20);
        }
        return fail("notification " + id + " was not delivered within 20 s: " + carehost.notifications());
    }
}
