package org.carehost.sdk.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * A scheduled job.
 *
 * @param id the job's id
 * @param task the task it runs
 * @param tenant the tenant it runs for
 * @param cron the cron expression, or null for a one-off job
 * @param due when it runs next (for a running job: the time it was due)
 * @param payload the JSON it was scheduled with, or null
 */
public record ScheduledJob(String id, String task, String tenant, String cron, Instant due, String payload) {

    public ScheduledJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(due, "due");
    }
}
