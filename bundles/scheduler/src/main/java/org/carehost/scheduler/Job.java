package org.carehost.scheduler;

import java.time.Instant;

/**
 * A scheduled job as the operator sees it.
 *
 * @param state SCHEDULED, RUNNING, DONE, CANCELLED or FAILED
 * @param lastError why its last run failed, or null
 */
public record Job(String id, String plugin, String tenant, String purpose, String task, String cron, Instant due,
        String state, int attempts, String lastError) {
}
