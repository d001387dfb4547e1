package org.carehost.clock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class SystemClockTest {

    private static final Instant FAR = Instant.parse("2040-01-01T00:00:00Z");

    @Test
    void tellsTheSystemTimeInUtcWithoutATestClock() {
        SystemClock clock = new SystemClock();
        Instant before = Instant.now();
        Instant told = clock.instant();
        assertFalse(told.isBefore(before), told + " is before " + before);
        assertFalse(told.isAfter(Instant.now()));
        assertEquals(ZoneOffset.UTC, clock.getZone());
    }

    @Test
    void followsATestClockWhileThereIsOneAndTheSystemAfter() {
        SystemClock clock = new SystemClock();
        clock.override = Clock.fixed(FAR, ZoneOffset.UTC);
        assertEquals(FAR, clock.instant());
        assertEquals(FAR.toEpochMilli(), clock.millis());
        clock.override = Clock.offset(clock.override, Duration.ofHours(1));
        assertEquals(FAR.plus(Duration.ofHours(1)), clock.instant());
        clock.override = null;
        assertFalse(clock.instant().isAfter(Instant.now()));
    }

    @Test
    void inAnotherZoneStillFollowsTheTestClock() {
        SystemClock clock = new SystemClock();
        ZoneId paris = ZoneId.of("Europe/Paris");
        Clock zoned = clock.withZone(paris);
        clock.override = Clock.fixed(FAR, ZoneOffset.UTC);
        assertEquals(FAR, zoned.instant());
        assertEquals(paris, zoned.getZone());
        assertSame(clock, clock.withZone(ZoneOffset.UTC));
    }
}
