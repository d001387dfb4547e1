package org.carehost.clock;

/**
 * How a container component names the container's clock in a reference: {@code @Reference(target =
 * ContainerClock.TARGET) java.time.Clock clock}. The one service matching it is registered by this bundle and tells
 * the system's time in UTC, unless a test has registered a {@code java.time.Clock} of its own (any other
 * {@code java.time.Clock} service; the highest ranked), which it then follows, so that every component's time moves
 * with the test's, without a component being re-activated. A plugin may register no {@code java.time.Clock}: the
 * security manager hides such an impostor from every bundle, this one included.
 */
public final class ContainerClock {

    /** The service property that marks the container's clock; its value is {@value #VALUE}. */
    public static final String PROPERTY = "carehost.clock";

    /** The value of {@link #PROPERTY} on the container's clock. */
    public static final String VALUE = "container";

    /** The reference target that selects the container's clock. */
    public static final String TARGET = "(" + PROPERTY + "=" + VALUE + ")";

    private ContainerClock() {
    }
}
