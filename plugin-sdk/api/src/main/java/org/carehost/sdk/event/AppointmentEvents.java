package org.carehost.sdk.event;

/** Topics posted on Event Admin when appointments change; subscribe with an {@code EventHandler}. */
public final class AppointmentEvents {

    public static final String TOPIC_PREFIX = "carehost/appointment/";
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";
    public static final String SCHEDULED = TOPIC_PREFIX + "SCHEDULED";
    public static final String CANCELLED = TOPIC_PREFIX + "CANCELLED";
    public static final String RESCHEDULED = TOPIC_PREFIX + "RESCHEDULED";

    /** Property: the appointment's id ({@code String}). */
    public static final String APPOINTMENT_ID = "appointment.id";
    /** Property: the patient's id ({@code String}). */
    public static final String PATIENT_ID = "patient.id";
    /** Property: when it starts, ISO-8601 ({@code String}). */
    public static final String START = "appointment.start";

    /**
     * Property: the tenant (hospital) whose data changed ({@code String}). The container delivers the event only to
     * plugins enabled for that tenant, and binds a care context for it (no user, purpose treatment) around the
     * handler, so the handler's host-service calls reach that tenant's data.
     */
    public static final String TENANT = "tenant";

    private AppointmentEvents() {
    }
}
