package org.carehost.security;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import org.carehost.sdk.security.Permissions;

/**
 * Every permission a plugin can declare: host-service permissions (checked on each call) and ambient ones
 * (JDK capabilities, checked in the plugin's code before it resolves). Each has a bit, so a set of them is a long.
 */
public enum Permission {
    READ_PATIENTS(Permissions.READ_PATIENTS, false),
    WRITE_PATIENTS(Permissions.WRITE_PATIENTS, false),
    READ_APPOINTMENTS(Permissions.READ_APPOINTMENTS, false),
    WRITE_APPOINTMENTS(Permissions.WRITE_APPOINTMENTS, false),
    READ_AUDIT(Permissions.READ_AUDIT, false),
    WRITE_AUDIT(Permissions.WRITE_AUDIT, false),
    PUBLISH_EVENTS(Permissions.PUBLISH_EVENTS, false),
    USE_NETWORK(Permissions.USE_NETWORK, true),
    USE_FILES(Permissions.USE_FILES, true),
    USE_PROCESSES(Permissions.USE_PROCESSES, true),
    USE_REFLECTION(Permissions.USE_REFLECTION, true),
    USE_NATIVE(Permissions.USE_NATIVE, true),
    // Appended, not inserted: each permission's bit is its position.
    READ_PATIENTS_CROSS_TENANT(Permissions.READ_PATIENTS_CROSS_TENANT, false),
    USE_ENV(Permissions.USE_ENV, true),
    STORE_PLUGIN_DATA(Permissions.STORE_PLUGIN_DATA, false),
    SCHEDULE_WORK(Permissions.SCHEDULE_WORK, false),
    SEND_NOTIFICATIONS(Permissions.SEND_NOTIFICATIONS, false),
    VERIFY_LOGINS(Permissions.VERIFY_LOGINS, false);

    private final String id;
    private final boolean ambient;
    private final long bit;

    Permission(String id, boolean ambient) {
        this.id = id;
        this.ambient = ambient;
        this.bit = 1L << ordinal();
    }

    /** The name plugins declare and operators grant, e.g. {@code read:patients}. */
    public String id() {
        return id;
    }

    public boolean isAmbient() {
        return ambient;
    }

    public long bit() {
        return bit;
    }

    public static Optional<Permission> named(String name) {
        for (Permission permission : values()) {
            if (permission.id.equals(name)) {
                return Optional.of(permission);
            }
        }
        return Optional.empty();
    }

    /** All names, for error messages: "read:patients, write:patients, ...". */
    public static String validNames() {
        return Arrays.stream(values()).map(Permission::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
