/**
 * The scheduler as the container's own bundles (the shell) use it: every plugin's jobs, cancelling one, and each
 * tenant's time zone. Plugins use {@code org.carehost.sdk.schedule.Scheduler} instead and never see this package.
 */
@Export
@Version("1.0.0")
package org.carehost.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
