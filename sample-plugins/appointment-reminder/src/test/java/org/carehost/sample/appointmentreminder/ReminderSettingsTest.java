package org.carehost.sample.appointmentreminder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReminderSettingsTest {

    @Test
    void acceptsTheRange() {
        assertEquals(new ReminderSettings(Duration.ofMinutes(1), "log"), ReminderSettings.of(1, "log"));
        assertEquals(Duration.ofDays(14), ReminderSettings.of(20160, "sms").leadTime());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -5, 20161})
    void refusesLeadTimeOutOfRange(int minutes) {
        assertThrows(IllegalArgumentException.class, () -> ReminderSettings.of(minutes, "log"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Log", "e-mail", "sms2", " log"})
    void refusesChannelNotLowercaseLetters(String channel) {
        assertThrows(IllegalArgumentException.class, () -> ReminderSettings.of(60, channel));
    }
}
