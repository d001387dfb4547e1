package org.carehost.sdk.schedule;

import java.time.Instant;
import java.util.List;

import org.carehost.sdk.resource.ValidationException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Schedules work of the calling plugin (permission {@code schedule:work}). Each job names a task: the plugin's
 * {@link ScheduledTask} service registered with {@code carehost.task=<task>}, which the host calls when the job is
 * due, in the tenant and purpose of the care context the job was scheduled in, with no user. Jobs are kept in the
 * store: they run after a restart (a one-off job missed while the container was down runs once it is up again), and
 * when several nodes share PostgreSQL each run happens on one node. Times come from the container's clock.
 */
@ProviderType
public interface Scheduler {

    /**
     * Runs {@code task} once at {@code at} (or as soon as possible after it).
     *
     * @param payload JSON the task receives (an object or array), or null
     * @return the job's id
     * @throws ValidationException when the task name or payload is invalid
     */
    String once(String task, Instant at, String payload);

    /**
     * Runs {@code task} at the times a cron expression names, in the tenant's time zone (a tenant setting; UTC when
     * none), daylight saving as java.time's rules have it (a time skipped by a change runs at the same minute
     * after it; a time repeated runs once).
     *
     * @param cron five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12), day of week (0-7,
     *        0 and 7 Sunday); each {@code *}, a number, a range {@code a-b}, a list {@code a,b}, or a step
     *        ({@code *} or a range followed by {@code /n})
     * @throws ValidationException when the expression is invalid (the message says which field)
     */
    String cron(String task, String cron, String payload);

    /** Cancels one of the plugin's jobs; false when there is none (or it already ran). */
    boolean cancel(String jobId);

    /** The plugin's jobs in the call's tenant that are still to run, soonest first. */
    List<ScheduledJob> jobs();
}
