package org.carehost.itest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * A clock a test moves, registered as a {@code java.time.Clock} service: while it is registered, the container's
 * clock (bundles/clock) tells its time, so that expiry and windows are tested without waiting. Close it to give the
 * container the system's time back.
 */
final class TestClock extends Clock implements AutoCloseable {

    private final AtomicReference<Instant> now;
    private ServiceRegistration<Clock> registration;

    private TestClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /**
     * Registers a clock standing just after the system's time now (whole milliseconds, as records keep it): whatever
     * was stamped before is earlier than it.
     */
    static TestClock register(BundleContext context) {
        return register(context, Instant.now().plusMillis(1).truncatedTo(ChronoUnit.MILLIS));
    }

    /** Registers a clock standing at {@code start}. */
    static TestClock register(BundleContext context, Instant start) {
        TestClock clock = new TestClock(start);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_RANKING, 100);
        clock.registration = context.registerService(Clock.class, clock, properties);
        return clock;
    }

    Instant advance(Duration by) {
        return now.updateAndGet(instant -> instant.plus(by));
    }

    void set(Instant instant) {
        now.set(instant);
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

    @Override
    public void close() {
        registration.unregister();
    }
}
