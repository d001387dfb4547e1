/**
 * Work a plugin schedules through the host's {@link org.carehost.sdk.schedule.Scheduler}: one-off and cron-like
 * triggers, persisted, run in the tenant and purpose they were scheduled for.
 */
@Export
@Version("1.0.0")
package org.carehost.sdk.schedule;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
