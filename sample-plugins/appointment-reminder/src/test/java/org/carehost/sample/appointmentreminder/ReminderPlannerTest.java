package org.carehost.sample.appointmentreminder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ReminderPlannerTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final ReminderPlanner planner = new ReminderPlanner(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(1));

    @Test
    void remindsLeadTimeBeforeStart() {
        assertEquals(Optional.of(Duration.ofDays(2)), planner.delayUntilReminder(NOW.plus(Duration.ofDays(3))));
    }

    @Test
    void remindsAtOnceWhenTheReminderTimeHasPassed() {
        assertEquals(Optional.of(Duration.ZERO), planner.delayUntilReminder(NOW.plus(Duration.ofHours(2))));
        assertEquals(Optional.of(Duration.ZERO), planner.delayUntilReminder(NOW.plus(Duration.ofDays(1))));
    }

    @Test
    void exactlyOneLeadTimeAheadPlusOneSecond() {
        assertEquals(Optional.of(Duration.ofSeconds(1)),
                planner.delayUntilReminder(NOW.plus(Duration.ofDays(1)).plusSeconds(1)));
    }

    @Test
    void noReminderOnceTheAppointmentHasStarted() {
        assertEquals(Optional.empty(), planner.delayUntilReminder(NOW));
        assertEquals(Optional.empty(), planner.delayUntilReminder(NOW.minusSeconds(1)));
        assertEquals(Optional.empty(), planner.delayUntilReminder(null));
    }

    @Test
    void negativeLeadTimeIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new ReminderPlanner(Clock.systemUTC(), Duration.ofMinutes(-1)));
    }
}
