package org.carehost.sdk.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who an {@link Authenticator} found: the operator's name, the roles it grants ({@code hospital-admin},
 * {@code auditor}, {@code operator}; {@code admin} is ignored, only the container's own accounts carry it) and the
 * tenants a {@code hospital-admin} may administer.
 */
public record Identity(String user, Set<String> roles, Set<String> tenants) {

    public Identity {
        Objects.requireNonNull(user, "user");
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        tenants = tenants == null ? Set.of() : Set.copyOf(tenants);
    }
}
