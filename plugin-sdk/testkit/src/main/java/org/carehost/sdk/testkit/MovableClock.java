package org.carehost.sdk.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The container's clock in a test: it stands still until the test moves it ({@link Carehost#advanceClock}), so that
 * scheduled work comes due when the test says, without sleeping. Registered as a {@code java.time.Clock} service
 * before the container's bundles start (ranked highest): the container's clock (bundles/clock) tells its time, so
 * everything the container decides by time (expiry, windows, schedules) follows it.
 */
final class MovableClock extends Clock {

    private final AtomicReference<Instant> now;

    MovableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    Instant advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time moves forward only, not by " + by);
        }
        return now.updateAndGet(instant -> instant.plus(by));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(instant(), zone);
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
