package org.carehost.plugins.internal.calls;

import java.util.Collection;
import java.util.function.BiPredicate;

import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Whether the service runtime may still register an active plugin's service under a key, from its state (SCR's
 * description and configuration DTOs), for {@link Handover}: a plugin is {@code ACTIVE} before the runtime, a listener
 * of its {@code STARTED} like any other, has taken up its components, so being active does not say that a service not
 * registered yet will not be. Says "no" only when that is certain: the runtime holds the plugin's components and none
 * under that name, or that component's every configuration is unsatisfied or failed to activate. Anything else (not
 * taken up yet, being enabled, satisfied or active and about to register) is "may": a call then waits on, bounded by
 * its own deadline.
 */
final class ComponentOutlook implements BiPredicate<Bundle, String> {

    private final ServiceComponentRuntime scr;

    ComponentOutlook(ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    @Override
    public boolean test(Bundle plugin, String key) {
        Collection<ComponentDescriptionDTO> descriptions;
        try {
            descriptions = scr.getComponentDescriptionDTOs(plugin);
        } catch (RuntimeException gone) {
            return false; // uninstalled meanwhile: nothing more comes
        }
        if (descriptions.isEmpty()) {
            // not taken up yet, if it declares components; a service of its own (no component) is registered by then
            return plugin.getHeaders("").get("Service-Component") != null;
        }
        for (ComponentDescriptionDTO description : descriptions) {
            if (description.name.equals(key)) {
                Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
                return configurations.isEmpty() /* being enabled */ || configurations.stream().anyMatch(configuration ->
                        configuration.state == ComponentConfigurationDTO.SATISFIED
                                || configuration.state == ComponentConfigurationDTO.ACTIVE);
            }
        }
        return false;
    }
}
