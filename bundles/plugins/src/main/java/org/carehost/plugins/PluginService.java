package org.carehost.plugins;

import java.util.Comparator;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * A service a plugin offers, as the host calls it through {@link PluginCalls#call(PluginService, String, String,
 * PluginCalls.ServiceWork)}: followed across the plugin's updates by its {@link #key()}, so that a call asked for
 * while the plugin is being replaced waits for the new version's registration of the same service instead of being
 * refused or skipped. From {@link PluginCalls#services(Class)}.
 *
 * @param <S> the service's type
 * @since 1.4
 */
@ProviderType
public interface PluginService<S> {

    /** The plugin offering it (the same bundle, and bundle id, across its updates). */
    Bundle plugin();

    /**
     * What names the service across the plugin's versions: its Declarative Services {@code component.name}, else its
     * {@code service.pid}, else its object classes.
     */
    String key();

    /** The registration's {@code service.id}; while the plugin is being updated, the old version's. */
    long serviceId();

    /** A property of the registration; while the plugin is being updated, of the old version's registration. */
    Object property(String name);

    /**
     * Whether the plugin is being updated (or reloaded) and this service is not registered again yet: a call to it
     * now waits for the new version.
     */
    boolean awaitingNewVersion();

    /**
     * The registration's {@code service.ranking}, 0 when it has none or it is not an {@code Integer} (as the framework
     * reads it).
     *
     * @since 1.5
     */
    default int ranking() {
        return property(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }

    /**
     * The order in which the host calls the services of one kind, and picks one when several could serve: the highest
     * ranking first, then the lowest service id (the oldest), as the framework orders references.
     *
     * @since 1.5
     */
    static <S> Comparator<PluginService<S>> callOrder() {
        return Comparator.<PluginService<S>>comparingInt(PluginService::ranking).reversed()
                .thenComparingLong(PluginService::serviceId);
    }
}
