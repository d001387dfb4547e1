package org.carehost.security;

import org.carehost.sdk.security.PermissionDeniedException;
import org.osgi.annotation.versioning.ProviderType;

/** One bundle's permissions as they stand now. Checking is a bit test: cheap enough for every call. */
@ProviderType
public interface Grants {

    boolean holds(Permission permission);

    /**
     * Passes when the permission is held (and notes it as used) and the plugin is within its quota of calls;
     * otherwise counts the denial and throws.
     *
     * @throws PermissionDeniedException naming the plugin and the permission
     * @throws org.carehost.sdk.security.QuotaExceededException when the plugin is over its calls per minute
     */
    void check(Permission permission);

    /**
     * Notes that the call touched this patient: a plugin touching more distinct patients within an hour than the
     * policy's threshold raises an access anomaly (the call itself goes on).
     */
    void touched(String patientId);
}
