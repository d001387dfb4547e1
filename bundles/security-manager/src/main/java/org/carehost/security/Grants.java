package org.carehost.security;

import org.carehost.sdk.security.PermissionDeniedException;
import org.osgi.annotation.versioning.ProviderType;

/** One bundle's permissions as they stand now. Checking is a bit test: cheap enough for every call. */
@ProviderType
public interface Grants {

    boolean holds(Permission permission);

    /**
     * Passes when the permission is held (and notes it as used); otherwise counts the denial and throws.
     *
     * @throws PermissionDeniedException naming the plugin and the permission
     */
    void check(Permission permission);
}
