package org.carehost.context.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

import org.carehost.context.Tenant;
import org.carehost.context.Tenants;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.security.PermissionDeniedException;
import org.junit.jupiter.api.Test;

/**
 * Break-glass access ends when the container's clock passes the emergency's declaration plus its duration: the
 * binder stamps the declaration with the clock, the break-glass service reads the same clock.
 */
class BreakGlassExpiryTest {

    private static final Instant START = Instant.parse("2030-06-01T08:00:00Z");

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private volatile Instant now = START;

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

    private final TestClock clock = new TestClock();

    /** Tenants with one tenant, "north" (only find is asked). */
    private static Tenants oneTenant() {
        return (Tenants) Proxy.newProxyInstance(Tenants.class.getClassLoader(), new Class<?>[] {Tenants.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("find")) {
                        return "north".equals(args[0])
                                ? Optional.of(new Tenant("north", "North", "admin", START))
                                : Optional.empty();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private CareContext emergency() {
        return new ContextBinderImpl(oneTenant(), clock).declare("north", "dr.kim", Set.of("physician"),
                Purpose.EMERGENCY, "patient unconscious");
    }

    @Test
    void theDeclarationIsStampedWithTheContainerClock() {
        clock.advance(Duration.ofMinutes(7));
        assertEquals(START.plus(Duration.ofMinutes(7)), emergency().declared());
    }

    @Test
    void accessHoldsUntilTheDurationHasPassedOnTheClockAndNotAMomentLonger() {
        BreakGlassImpl breakGlass = new BreakGlassImpl(null, null, clock);
        CareContext context = emergency();
        assertEquals(Duration.ofHours(1), breakGlass.duration());
        clock.advance(Duration.ofMinutes(59).plusSeconds(59));
        assertDoesNotThrow(() -> breakGlass.check(context, "chart-viewer"));
        clock.advance(Duration.ofSeconds(1));
        PermissionDeniedException ended = assertThrows(PermissionDeniedException.class,
                () -> breakGlass.check(context, "chart-viewer"));
        assertTrue(ended.getMessage().contains("ended at 2030-06-01T09:00:00Z"), ended.getMessage());
        assertTrue(ended.getMessage().contains("declare a new emergency"), ended.getMessage());
    }

    @Test
    void aNewDeclarationAfterExpiryRunsFromItsOwnTime() {
        BreakGlassImpl breakGlass = new BreakGlassImpl(null, null, clock);
        CareContext first = emergency();
        clock.advance(Duration.ofHours(2));
        assertThrows(PermissionDeniedException.class, () -> breakGlass.check(first, "chart-viewer"));
        CareContext second = emergency();
        assertDoesNotThrow(() -> breakGlass.check(second, "chart-viewer"));
    }

    @Test
    void anEmergencyWithoutAUserOrAnOrdinaryContextIsRefusedWhateverTheTime() {
        BreakGlassImpl breakGlass = new BreakGlassImpl(null, null, clock);
        CareContext noUser = new CareContext("north", null, Set.of(), Purpose.EMERGENCY, "storm", "c-1", START);
        assertThrows(PermissionDeniedException.class, () -> breakGlass.check(noUser, "chart-viewer"));
        CareContext treatment = new CareContext("north", "dr.kim", Set.of(), Purpose.TREATMENT, null, "c-2", START);
        assertThrows(IllegalArgumentException.class, () -> breakGlass.check(treatment, "chart-viewer"));
    }
}
