/**
 * The container's clock as its own bundles find it: the {@code java.time.Clock} service whose property
 * {@link org.carehost.clock.ContainerClock#PROPERTY} is {@code container}. A container component takes it with
 * {@code @Reference(target = ContainerClock.TARGET) Clock clock} in its constructor. Plugins read the time from the
 * {@code java.time.Clock} service and never see this package.
 */
@Export
@Version("1.0.0")
package org.carehost.clock;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
