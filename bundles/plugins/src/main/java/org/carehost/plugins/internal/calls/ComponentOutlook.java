package org.carehost.plugins.internal.calls;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Whether the service runtime may still register an active plugin's awaited service, from its state (SCR's description
 * and configuration DTOs), for {@link Handover}: a plugin is {@code ACTIVE} before the runtime, a listener of its
 * {@code STARTED} like any other, has taken up its components, so being active does not say that a service not
 * registered yet will not be.
 * <p>
 * "May" when: the runtime has not taken up the plugin's components yet (none listed, while the bundle declares some);
 * or its component of that name offers every object class of the awaited service and either has a configuration
 * satisfied, active or waiting for its references (a dependency being refreshed), or has none yet while it is enabled, is not a factory and does not require a configuration (a
 * component that requires one and has none lists none until an operator adds it). Anything else is "no": disabled,
 * every configuration failed to activate or lacks its configuration, no longer offering those classes, no component
 * of that name.
 * <p>
 * "May" is bounded: from the plugin's {@code STARTED} (its instant on the container's clock, recorded when it is
 * heard; the first look at an active plugin when none was heard) for at most the plugin's longest call deadline; past
 * that the answer is "no" whatever the runtime says — a component the runtime never takes up does not hold calls for
 * ever. A runtime that throws is "may", within that bound; this never throws.
 */
final class ComponentOutlook implements RegistrationOutlook {

    private final ServiceComponentRuntime scr;
    private final Clock clock;
    private final Function<Bundle, Duration> longestDeadline;
    /** Bundle id → the instant of its last {@code STARTED} (none while it stops, once it is uninstalled). */
    private final Map<Long, Instant> started = new ConcurrentHashMap<>();

    ComponentOutlook(ServiceComponentRuntime scr, Clock clock, Function<Bundle, Duration> longestDeadline) {
        this.scr = scr;
        this.clock = clock;
        this.longestDeadline = longestDeadline;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        long id = event.getBundle().getBundleId();
        switch (event.getType()) {
            case BundleEvent.STARTED -> started.put(id, clock.instant());
            case BundleEvent.STOPPING, BundleEvent.UNINSTALLED -> started.remove(id);
            default -> {
                // the others say nothing about when it started
            }
        }
    }

    @Override
    public boolean mayRegister(Bundle plugin, ServiceSlot<?> awaited) {
        if (plugin.getState() == Bundle.UNINSTALLED) {
            return false;
        }
        Instant since = started.computeIfAbsent(plugin.getBundleId(), id -> clock.instant());
        if (clock.instant().isAfter(since.plus(longestDeadline.apply(plugin)))) {
            return false;
        }
        try {
            return runtimeMayRegister(plugin, awaited);
        } catch (RuntimeException runtimeFailed) {
            return true; // the runtime could not say (within the bound above)
        }
    }

    private boolean runtimeMayRegister(Bundle plugin, ServiceSlot<?> awaited) {
        Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs(plugin);
        if (descriptions.isEmpty()) {
            // not taken up yet, if it declares components; a service of its own (no component) is registered by then
            return plugin.getHeaders("").get("Service-Component") != null;
        }
        for (ComponentDescriptionDTO description : descriptions) {
            if (description.name.equals(awaited.key())) {
                return offersAll(description, awaited) && mayActivate(description);
            }
        }
        return false;
    }

    private static boolean offersAll(ComponentDescriptionDTO description, ServiceSlot<?> awaited) {
        Object classes = awaited.property(Constants.OBJECTCLASS);
        return description.serviceInterfaces != null && classes instanceof String[] names
                && Arrays.asList(description.serviceInterfaces).containsAll(Arrays.asList(names));
    }

    private boolean mayActivate(ComponentDescriptionDTO description) {
        Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
        if (configurations.isEmpty()) { // being enabled, unless it waits for something that may never come
            return scr.isComponentEnabled(description) && description.factory == null
                    && !"require".equals(description.configurationPolicy);
        }
        // unsatisfied references may be a dependency being refreshed: "may", within the bound
        return configurations.stream().anyMatch(configuration -> configuration.state
                != ComponentConfigurationDTO.FAILED_ACTIVATION
                && configuration.state != ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION);
    }
}
