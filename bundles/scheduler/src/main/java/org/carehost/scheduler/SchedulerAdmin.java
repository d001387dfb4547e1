package org.carehost.scheduler;

import java.time.ZoneId;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The operator's side of plugins' scheduled work ({@code schedule:list}, {@code schedule:cancel}, {@code schedule:zone}). */
@ProviderType
public interface SchedulerAdmin {

    /** Jobs still to run (SCHEDULED or RUNNING), soonest first; with {@code all}, finished ones too (newest 200). */
    List<Job> jobs(boolean all);

    /** Cancels a job that has not finished; false when there is none such. */
    boolean cancel(String id);

    /** The tenant's time zone for cron jobs (the tenant setting {@code time-zone}; UTC when unset). */
    ZoneId zone(String tenant);

    /**
     * Sets the tenant's time zone; cron jobs of the tenant are due again by it from their next run on.
     *
     * @throws IllegalArgumentException when there is no such tenant
     */
    void setZone(String tenant, ZoneId zone);
}
