package org.carehost.sdk.event;

/**
 * Topics posted on Event Admin after each run of a scheduled job ({@code org.carehost.sdk.schedule.Scheduler}).
 *
 * @since 1.3
 */
public final class ScheduleEvents {

    public static final String TOPIC_PREFIX = "carehost/schedule/";
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";
    /** The task ran to its end. */
    public static final String RAN = TOPIC_PREFIX + "RAN";
    /** The task threw or overran its deadline. */
    public static final String FAILED = TOPIC_PREFIX + "FAILED";

    /** Property: the job's id ({@code String}). */
    public static final String JOB_ID = "job.id";
    /** Property: the task's name ({@code String}). */
    public static final String TASK = "task";
    /** Property: the symbolic name of the plugin whose job it is ({@code String}). */
    public static final String PLUGIN = "plugin";
    /** Property: the tenant it ran for ({@code String}). */
    public static final String TENANT = "tenant";

    private ScheduleEvents() {
    }
}
