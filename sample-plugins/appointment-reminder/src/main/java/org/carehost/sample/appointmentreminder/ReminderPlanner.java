package org.carehost.sample.appointmentreminder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** When to send a reminder. Pure: time comes from the clock, so tests can fix it. */
final class ReminderPlanner {

    private final Clock clock;
    private final Duration leadTime;

    ReminderPlanner(Clock clock, Duration leadTime) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (leadTime.isNegative()) {
            throw new IllegalArgumentException("lead time must not be negative");
        }
        this.leadTime = leadTime;
    }

    /**
     * How long from now until the reminder for an appointment starting at {@code start} is due. Zero when
     * the reminder time has passed but the appointment has not (booked at short notice: remind at once);
     * empty when there is no start or the appointment has already started (a reminder would be noise).
     */
    Optional<Duration> delayUntilReminder(Instant start) {
        Instant now = clock.instant();
        if (start == null || !start.isAfter(now)) {
            return Optional.empty();
        }
        Instant sendAt = start.minus(leadTime);
        return Optional.of(sendAt.isAfter(now) ? Duration.between(now, sendAt) : Duration.ZERO);
    }
}
