package org.carehost.sdk.security;

import java.util.Set;

/** The permission names a plugin can declare with {@link RequiresPermissions}. */
public final class Permissions {

    public static final String READ_PATIENTS = "read:patients";
    public static final String WRITE_PATIENTS = "write:patients";
    public static final String READ_APPOINTMENTS = "read:appointments";
    public static final String WRITE_APPOINTMENTS = "write:appointments";
    public static final String READ_AUDIT = "read:audit";
    public static final String WRITE_AUDIT = "write:audit";
    public static final String PUBLISH_EVENTS = "publish:events";

    /** The manifest header bnd writes from {@link RequiresPermissions}. */
    public static final String HEADER = "Carehost-Permissions";

    /** Every host-service permission. */
    public static final Set<String> HOST_SERVICE = Set.of(READ_PATIENTS, WRITE_PATIENTS, READ_APPOINTMENTS,
            WRITE_APPOINTMENTS, READ_AUDIT, WRITE_AUDIT, PUBLISH_EVENTS);

    private Permissions() {
    }
}
