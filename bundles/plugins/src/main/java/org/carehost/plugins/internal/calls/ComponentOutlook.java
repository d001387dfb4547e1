package org.carehost.plugins.internal.calls;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

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
 * component that requires one and has none lists none until an operator adds it; Felix lists every description of a
 * bundle before it enables any, so "enabled" includes enabled by default and not reached yet); or no component of that
 * name is listed yet (its descriptions may still be loading). Anything else is "no": disabled and not enabled by
 * default, a factory, every configuration failed to activate or lacks its configuration, no longer offering those
 * classes.
 * <p>
 * "May" is bounded: from the plugin's {@code STARTED} (the JVM's monotonic time when it is heard, not the container's
 * clock, which tests and operators may move; the first look at an active plugin when none was heard) for at most the
 * plugin's longest call deadline; past
 * that the answer is "no" whatever the runtime says — a component the runtime never takes up does not hold calls for
 * ever. A runtime that throws is "may", within that bound; this never throws.
 */
final class ComponentOutlook implements RegistrationOutlook {

    private final ServiceComponentRuntime scr;
    private final LongSupplier nanoTime;
    private final Function<Bundle, Duration> longestDeadline;
    /** Bundle id → the monotonic time of its last {@code STARTED} (none while it stops, once it is uninstalled). */
    private final Map<Long, Long> started = new ConcurrentHashMap<>();

    /** {@code nanoTime}: {@link System#nanoTime} (a test's own, to move it). */
    ComponentOutlook(ServiceComponentRuntime scr, LongSupplier nanoTime, Function<Bundle, Duration> longestDeadline) {
        this.scr = scr;
        this.nanoTime = nanoTime;
        this.longestDeadline = longestDeadline;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        long id = event.getBundle().getBundleId();
        switch (event.getType()) {
            case BundleEvent.STARTED -> started.put(id, nanoTime.getAsLong());
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
        long since = started.computeIfAbsent(plugin.getBundleId(), id -> nanoTime.getAsLong());
        if (nanoTime.getAsLong() - since > longestDeadline.apply(plugin).toNanos()) {
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
        return true; // not listed yet: the bundle's descriptions may still be loading (within the bound)
    }

    private static boolean offersAll(ComponentDescriptionDTO description, ServiceSlot<?> awaited) {
        Object classes = awaited.property(Constants.OBJECTCLASS);
        return description.serviceInterfaces != null && classes instanceof String[] names
                && Arrays.asList(description.serviceInterfaces).containsAll(Arrays.asList(names));
    }

    private boolean mayActivate(ComponentDescriptionDTO description) {
        Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
        if (configurations.isEmpty()) { // being enabled, unless it waits for something that may never come
            return (scr.isComponentEnabled(description) || description.defaultEnabled) && description.factory == null
                    && !"require".equals(description.configurationPolicy);
        }
        // unsatisfied references may be a dependency being refreshed: "may", within the bound
        return configurations.stream().anyMatch(configuration -> configuration.state
                != ComponentConfigurationDTO.FAILED_ACTIVATION
                && configuration.state != ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION);
    }
}
