package org.carehost.sample.appointmentreminder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.carehost.sdk.plugin.Notification;
import org.junit.jupiter.api.Test;

class LogNotifierTest {

    @Test
    void logsBodyButNotTheRecipient() {
        List<String> lines = TestLoggers.lines();
        LogNotifier notifier = new LogNotifier(TestLoggers.recording(lines));
        assertEquals("log", notifier.channel());

        notifier.send(new Notification("Patient/p-42", "Appointment reminder", "You have an appointment on X"));
        notifier.send(new Notification("+1 555 0100", null, "b"));
        notifier.send(new Notification("peter@example.org", "s", "b"));

        assertEquals(3, lines.size());
        assertTrue(lines.get(0).contains("a patient") && lines.get(0).contains("You have an appointment on X"),
                lines.get(0));
        assertTrue(lines.get(1).contains("a phone number"), lines.get(1));
        assertTrue(lines.get(2).contains("an e-mail address"), lines.get(2));
        String all = String.join("\n", lines);
        for (String phi : new String[] {"p-42", "555", "peter", "example.org"}) {
            assertTrue(!all.contains(phi), phi);
        }
    }
}
