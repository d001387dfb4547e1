package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.sdk.security.QuotaExceededException;
import org.carehost.security.Permission;
import org.junit.jupiter.api.Test;

/** The time windows of a plugin's grants (quota minute, anomaly hour, refusals' sliding minute), on a test's clock. */
class PluginGrantsWindowsTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private Instant now;

        TestClock(String start) {
            this.now = Instant.parse(start);
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.fixed(now, zone);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final List<String> alarms = new ArrayList<>();

    private PluginGrants grants(Clock clock, long bits) {
        return grants(clock, bits, new Denials(clock));
    }

    private PluginGrants grants(Clock clock, long bits, Denials denials) {
        return new PluginGrants("p", "1.0.0", bits, clock, denials, new PluginGrants.Alarms() {
            @Override
            public void quotaExceeded(PluginGrants plugin, long limit) {
                alarms.add("quota " + limit);
            }

            @Override
            public void anomaly(PluginGrants plugin, long distinct, long threshold) {
                alarms.add("anomaly " + distinct + "/" + threshold);
            }

            @Override
            public void denialBurst(PluginGrants plugin, long refusals, long threshold) {
                alarms.add("burst " + refusals + "/" + threshold);
            }
        });
    }

    @Test
    void theQuotaCountsPerClockMinuteAndANewMinuteStartsAtZeroWithANewAlarm() {
        TestClock clock = new TestClock("2030-01-01T10:00:58Z");
        PluginGrants plugin = grants(clock, Permission.READ_PATIENTS.bit());
        plugin.limits(2, 0);
        plugin.check(Permission.READ_PATIENTS);
        plugin.check(Permission.READ_PATIENTS);
        assertThrows(QuotaExceededException.class, () -> plugin.check(Permission.READ_PATIENTS));
        clock.advance(Duration.ofSeconds(1)); // 10:00:59, the same minute: still over
        assertThrows(QuotaExceededException.class, () -> plugin.check(Permission.READ_PATIENTS));
        assertEquals(List.of("quota 2"), alarms, "one alarm per minute");
        clock.advance(Duration.ofSeconds(1)); // 10:01:00, a new minute: two calls again
        assertDoesNotThrow(() -> plugin.check(Permission.READ_PATIENTS));
        assertDoesNotThrow(() -> plugin.check(Permission.READ_PATIENTS));
        assertThrows(QuotaExceededException.class, () -> plugin.check(Permission.READ_PATIENTS));
        assertEquals(List.of("quota 2", "quota 2"), alarms, "the new minute's excess alarms again");
    }

    @Test
    void distinctPatientsAreCountedPerClockHour() {
        TestClock clock = new TestClock("2030-01-01T10:59:00Z");
        PluginGrants plugin = grants(clock, Permission.READ_PATIENTS.bit());
        plugin.limits(0, 2);
        plugin.touched("a");
        plugin.touched("b");
        clock.advance(Duration.ofMinutes(1)); // 11:00: a new hour, a new count
        plugin.touched("c");
        plugin.touched("d");
        assertEquals(List.of(), alarms, "two per hour is within the threshold");
        plugin.touched("e");
        assertEquals(List.of("anomaly 3/2"), alarms);
    }

    @Test
    void refusalsSpreadOverMoreThanAMinuteRaiseNothingAndABurstWithinOneDoes() {
        TestClock clock = new TestClock("2030-01-01T10:00:00Z");
        PluginGrants plugin = grants(clock, 0);
        plugin.limits(0, 0, 2);
        plugin.refused();
        plugin.refused();
        clock.advance(Duration.ofSeconds(61)); // the first two fell out of the sliding minute
        plugin.refused();
        assertEquals(List.of(), alarms);
        clock.advance(Duration.ofSeconds(30));
        plugin.refused();
        plugin.refused(); // three within 30 s
        assertEquals(List.of("burst 3/2"), alarms);
        clock.advance(Duration.ofSeconds(30));
        plugin.refused(); // a burst still, but alarmed under a minute ago
        assertEquals(1, alarms.size());
        clock.advance(Duration.ofSeconds(31));
        plugin.refused();
        plugin.refused();
        assertEquals(List.of("burst 3/2", "burst 3/2"), alarms, "a minute after the last alarm, a burst alarms again");
    }

    @Test
    void aRedeployedPluginKeepsCountingItsRefusals() {
        TestClock clock = new TestClock("2030-01-01T10:00:00Z");
        PluginGrants before = grants(clock, 0);
        before.limits(0, 0, 2);
        before.refused(); // refused at resolve, say, then updated: its grants start afresh
        before.refused();
        PluginGrants after = grants(clock, 0);
        after.limits(0, 0, 2);
        after.inheritRefusals(before);
        assertEquals(List.of(), alarms);
        after.refused();
        assertEquals(List.of("burst 3/2"), alarms, "the third refusal within the minute, across the update");
    }

    @Test
    void aRefusedCallIsNotedAtTheClocksTime() {
        TestClock clock = new TestClock("2031-05-06T07:08:09Z");
        Denials denials = new Denials(clock);
        PluginGrants plugin = grants(clock, 0, denials);
        assertThrows(PermissionDeniedException.class, () -> plugin.check(Permission.READ_PATIENTS));
        assertEquals(Instant.parse("2031-05-06T07:08:09Z"), denials.newest(1).get(0).at());
    }
}
