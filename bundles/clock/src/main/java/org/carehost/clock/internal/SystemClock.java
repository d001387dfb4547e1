package org.carehost.clock.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.carehost.clock.ContainerClock;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The container's clock: the one definition of what time it is for every container component (the security
 * manager's windows, break-glass expiry, audit retention and checkpoints, schedules, ...). It tells the system's
 * time in UTC; while a test has a {@code java.time.Clock} service of its own registered (the highest ranked one
 * wins), it tells that clock's time instead, so that a test moves time for the whole container by registering a
 * clock (the test kit's {@code Carehost.advanceClock}) rather than sleeping. Components bind this service once
 * ({@link ContainerClock#TARGET}, in their constructor), so a test clock coming or going re-activates nothing.
 *
 * <p>Registered with the lowest ranking, so that a bundle asking for "a {@code java.time.Clock}" (a plugin reading
 * the time) gets the test's clock while there is one: the same time either way. Only the container and the tests
 * can register a clock: the security manager hides a plugin's (an impostor of a host interface) from every other
 * bundle, this one included, so a plugin never sets the container's time.
 */
@Component(service = Clock.class, property = {ContainerClock.PROPERTY + "=" + ContainerClock.VALUE,
        "service.ranking:Integer=-2147483648"})
public final class SystemClock extends Clock {

    private final Clock system = Clock.systemUTC();

    /** A test's clock, when one is registered; the highest ranked. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(!" + ContainerClock.TARGET + ")")
    volatile Clock override;

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(ZoneOffset.UTC) ? this : new Zoned(this, zone);
    }

    @Override
    public Instant instant() {
        Clock test = override;
        return test == null ? system.instant() : test.instant();
    }

    @Override
    public long millis() {
        Clock test = override;
        return test == null ? system.millis() : test.millis();
    }

    /** This clock in another zone: the same instants, read through this one, so that a test's clock still counts. */
    private static final class Zoned extends Clock {
        private final Clock base;
        private final ZoneId zone;

        Zoned(Clock base, ZoneId zone) {
            this.base = base;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return other.equals(zone) ? this : new Zoned(base, other);
        }

        @Override
        public Instant instant() {
            return base.instant();
        }
    }
}
