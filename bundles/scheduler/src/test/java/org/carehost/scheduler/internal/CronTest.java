package org.carehost.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.carehost.sdk.resource.ValidationException;
import org.junit.jupiter.api.Test;

class CronTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void weekdayMorningsInTheTenantsZone() {
        Cron cron = Cron.parse("30 8 * * 1-5");
        // Friday 2030-03-01 10:00 UTC (11:00 in Berlin): the next is Monday 08:30 Berlin, 07:30 UTC.
        assertEquals(Instant.parse("2030-03-04T07:30:00Z"), cron.next(Instant.parse("2030-03-01T10:00:00Z"), BERLIN));
        assertEquals(Instant.parse("2030-03-04T08:30:00Z"),
                cron.next(Instant.parse("2030-03-01T10:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void stepsListsAndStrictlyAfter() {
        Cron cron = Cron.parse("*/15 * * * *");
        assertEquals(Instant.parse("2030-01-01T00:15:00Z"), cron.next(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));
        assertEquals(Instant.parse("2030-01-01T10:05:00Z"),
                Cron.parse("5 10,22 * * *").next(Instant.parse("2030-01-01T09:59:59Z"), ZoneOffset.UTC));
        assertEquals(Instant.parse("2032-02-29T00:00:00Z"),
                Cron.parse("0 0 29 2 *").next(Instant.parse("2030-03-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void daylightSavingFollowsJavaTime() {
        // Berlin springs forward on 2030-03-31 at 02:00 to 03:00: 02:30 does not exist and runs at 03:30 local.
        Cron halfPastTwo = Cron.parse("30 2 * * *");
        assertEquals(Instant.parse("2030-03-31T01:30:00Z"),
                halfPastTwo.next(Instant.parse("2030-03-30T12:00:00Z"), BERLIN));
        // It falls back on 2030-10-27 at 03:00 to 02:00: 02:30 happens twice and runs once.
        Instant first = halfPastTwo.next(Instant.parse("2030-10-26T12:00:00Z"), BERLIN);
        assertEquals(Instant.parse("2030-10-27T00:30:00Z"), first);
        assertEquals(Instant.parse("2030-10-28T01:30:00Z"), halfPastTwo.next(first, BERLIN));
    }

    @Test
    void invalidExpressionsSayWhichField() {
        ValidationException wrongCount = assertThrows(ValidationException.class, () -> Cron.parse("* * *"));
        assertTrue(wrongCount.getMessage().contains("has 3 fields"));
        assertTrue(assertThrows(ValidationException.class, () -> Cron.parse("61 * * * *")).getMessage()
                .contains("minute '61'"));
        assertTrue(assertThrows(ValidationException.class, () -> Cron.parse("0 5-2 * * *")).getMessage()
                .contains("runs backwards"));
        assertTrue(assertThrows(ValidationException.class, () -> Cron.parse("0 0 31 2 *").next(Instant.EPOCH,
                ZoneOffset.UTC)).getMessage().contains("names no time"));
    }
}
