package org.carehost.context;

import java.util.List;
import java.util.Optional;

import org.carehost.sdk.security.PermissionDeniedException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Hospitals and the plugins each has enabled. A plugin is installed once; it acts for a tenant only while
 * enabled there. Every plugin is enabled for the default tenant unless disabled there.
 */
@ProviderType
public interface Tenants {

    /** @throws IllegalArgumentException when the id is invalid or taken, or the name is empty or too long */
    Tenant create(String id, String name, String by);

    List<Tenant> list();

    Optional<Tenant> find(String id);

    /** @throws IllegalArgumentException when there is no such tenant */
    Activation enable(String plugin, String tenant, String by);

    /** @throws IllegalArgumentException when there is no such tenant */
    Activation disable(String plugin, String tenant, String by);

    boolean isEnabled(String plugin, String tenant);

    /**
     * The one refusal of a plugin acting for a tenant it is not enabled for, with the way out in its message; every
     * host service a plugin calls asks this (a container bundle, acting as an operator does, is not asked).
     *
     * @throws PermissionDeniedException when {@code plugin} is not enabled for {@code tenant}
     * @since 1.2
     */
    default void requireEnabled(String plugin, String tenant) {
        if (!isEnabled(plugin, tenant)) {
            throw new PermissionDeniedException(plugin, "tenant", "it is not enabled for tenant " + tenant
                    + " (plugin:enable " + plugin + " --tenant " + tenant + ")");
        }
    }

    /** Every explicit activation or deactivation, by tenant then plugin. */
    List<Activation> activations();
}
