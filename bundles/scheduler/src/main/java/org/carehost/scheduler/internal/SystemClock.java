package org.carehost.scheduler.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.osgi.service.component.annotations.Component;

/**
 * The container's clock, a {@link Clock} service (UTC) that the scheduler uses for every "now". Registered with the
 * lowest ranking, so that a test (or the test kit) registers a clock of its own, ranked higher, to move time on
 * instead of sleeping; plugins cannot: {@code java.time.Clock} is a host interface to the security manager.
 */
@Component(service = Clock.class, property = "service.ranking:Integer=-2147483648")
public final class SystemClock extends Clock {

    private final Clock utc = Clock.systemUTC();

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return utc.withZone(zone);
    }

    @Override
    public Instant instant() {
        return utc.instant();
    }
}
