package org.carehost.sdk.event;

/** Topics posted on Event Admin when patients change; subscribe with an {@code EventHandler}. */
public final class PatientEvents {

    public static final String TOPIC_PREFIX = "carehost/patient/";
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";
    public static final String CREATED = TOPIC_PREFIX + "CREATED";
    public static final String UPDATED = TOPIC_PREFIX + "UPDATED";
    public static final String ADMITTED = TOPIC_PREFIX + "ADMITTED";
    public static final String DISCHARGED = TOPIC_PREFIX + "DISCHARGED";

    /** Property: the patient's id ({@code String}). */
    public static final String PATIENT_ID = "patient.id";
    /** Property: the patient's version after the change ({@code Long}). */
    public static final String VERSION = "patient.version";

    /**
     * Property: the tenant (hospital) whose data changed ({@code String}). The container delivers the event only to
     * plugins enabled for that tenant, and binds a care context for it (no user, purpose treatment) around the
     * handler, so the handler's host-service calls reach that tenant's data.
     */
    public static final String TENANT = "tenant";

    private PatientEvents() {
    }
}
