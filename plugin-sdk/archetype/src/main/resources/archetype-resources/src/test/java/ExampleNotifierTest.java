package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.plugin.Notification;
import org.junit.jupiter.api.Test;

/** The notifier on its own, without a container. */
class ExampleNotifierTest {

    private final List<Notification> delivered = new ArrayList<>();

    private final ExampleNotifier notifier = new ExampleNotifier() {
        @Override
        protected void deliver(Notification notification) {
            delivered.add(notification);
        }
    };

    @Test
    void deliversANotificationWithARecipient() throws Exception {
        Notification notification = new Notification("ward-7", "Reminder", "Round at 10:00");
        notifier.send(notification);
        assertEquals(List.of(notification), delivered);
    }

    @Test
    void refusesOneWithoutARecipientSoThatTheHostRetriesOrDeadLettersIt() {
        assertThrows(IllegalArgumentException.class, () -> notifier.send(new Notification(" ", null, "body")));
        assertEquals(List.of(), delivered);
    }
}
