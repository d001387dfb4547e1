package org.carehost.security;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/** The host services' per-call check: each service instance asks once for its caller's grants, then checks them. */
@ProviderType
public interface PermissionGuard {

    /**
     * The live grants of {@code caller}: they follow policy changes at once. A container bundle holds every
     * permission; a plugin holds what it declared and the policy granted.
     */
    Grants grantsOf(Bundle caller);

    /** Whether {@code bundle} is a plugin (else one of the container's own bundles, or trusted as one). */
    boolean isPlugin(Bundle bundle);
}
