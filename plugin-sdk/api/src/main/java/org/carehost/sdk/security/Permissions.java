package org.carehost.sdk.security;

import java.util.Set;

/** The permission names a plugin can declare with {@link RequiresPermissions}. */
public final class Permissions {

    public static final String READ_PATIENTS = "read:patients";
    public static final String WRITE_PATIENTS = "write:patients";
    /** Look a patient up by identifier in every hospital's data (for treatment; audited as such). */
    public static final String READ_PATIENTS_CROSS_TENANT = "read:patients:cross-tenant";
    public static final String READ_APPOINTMENTS = "read:appointments";
    public static final String WRITE_APPOINTMENTS = "write:appointments";
    public static final String READ_AUDIT = "read:audit";
    public static final String WRITE_AUDIT = "write:audit";
    public static final String PUBLISH_EVENTS = "publish:events";
    /**
     * Keep the plugin's own documents through {@code org.carehost.sdk.data.PluginDataService}.
     *
     * @since 1.4
     */
    public static final String STORE_PLUGIN_DATA = "store:plugin-data";
    /**
     * Schedule work through {@code org.carehost.sdk.schedule.Scheduler}.
     *
     * @since 1.4
     */
    public static final String SCHEDULE_WORK = "schedule:work";
    /**
     * Send notifications through {@code org.carehost.sdk.notify.NotificationService}.
     *
     * @since 1.4
     */
    public static final String SEND_NOTIFICATIONS = "send:notifications";
    /**
     * Be offered operators' user names and passwords as an {@code org.carehost.sdk.auth.Authenticator}: without it,
     * the container never asks the plugin's authenticator.
     *
     * @since 1.5
     */
    public static final String VERIFY_LOGINS = "verify:logins";

    /** Ambient: open sockets, resolve names, make HTTP or JNDI connections. */
    public static final String USE_NETWORK = "use:network";
    /** Ambient: read or write files and directories. */
    public static final String USE_FILES = "use:files";
    /** Ambient: start or signal operating-system processes. */
    public static final String USE_PROCESSES = "use:processes";
    /** Ambient: reflection past the public API, class loading by name, own class loaders. */
    public static final String USE_REFLECTION = "use:reflection";
    /** Ambient: native libraries and foreign functions. */
    public static final String USE_NATIVE = "use:native";

    /**
     * Ambient: read environment variables ({@code System.getenv}). Never the container's own secrets (names starting
     * {@code CAREHOST_}, which hold the data key and the database password), whatever is granted.
     */
    public static final String USE_ENV = "use:env";

    /** Every ambient (JDK capability) permission: never granted without an operator's policy entry. */
    public static final Set<String> AMBIENT = Set.of(USE_NETWORK, USE_FILES, USE_PROCESSES, USE_REFLECTION, USE_NATIVE,
            USE_ENV);

    /** The manifest header bnd writes from {@link RequiresPermissions}. */
    public static final String HEADER = "Carehost-Permissions";

    /** Every host-service permission. */
    public static final Set<String> HOST_SERVICE = Set.of(READ_PATIENTS, WRITE_PATIENTS, READ_PATIENTS_CROSS_TENANT, READ_APPOINTMENTS,
            WRITE_APPOINTMENTS, READ_AUDIT, WRITE_AUDIT, PUBLISH_EVENTS, STORE_PLUGIN_DATA,
            SCHEDULE_WORK, SEND_NOTIFICATIONS, VERIFY_LOGINS);

    private Permissions() {
    }
}
