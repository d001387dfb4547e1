package org.carehost.sdk.schedule;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Work the host runs when a job scheduled through {@link Scheduler} is due. Register it as a service with the
 * property {@value #NAME} naming the task. The call has a deadline (30 s unless the operator sets another); an
 * exception or an overrun is recorded on the job (a cron job runs again at its next time; a one-off job is retried
 * up to three times, a minute apart).
 */
@ConsumerType
public interface ScheduledTask {

    /** Service property: the task's name, as {@link Scheduler#once} and {@link Scheduler#cron} name it. */
    String NAME = "carehost.task";

    void run(ScheduledJob job) throws Exception;
}
