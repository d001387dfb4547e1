package org.carehost.adapters.internal;

import java.util.Optional;

import org.carehost.context.ConsentDirective;
import org.carehost.context.Consents;
import org.carehost.context.Tenants;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.security.PermissionDeniedException;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Whether an adapter's plugin may receive a tenant's resource: its plugin must be enabled for the tenant (as any plugin
 * that sees a tenant's data), and the patient must not have opted out of that plugin (a consent directive of kind
 * {@code plugin}). Asked when a send is requested and again at each attempt (a directive recorded meanwhile holds).
 */
@Component(service = Recipients.class)
public final class Recipients {

    private final Tenants tenants;
    private final Consents consents;

    @Activate
    public Recipients(@Reference Tenants tenants, @Reference Consents consents) {
        this.tenants = tenants;
        this.consents = consents;
    }

    /** @throws PermissionDeniedException naming why the adapter's plugin may not have it, and the way out */
    void check(Bundle adapterPlugin, CareContext context, String patientId) {
        String plugin = String.valueOf(adapterPlugin.getSymbolicName());
        if (!tenants.isEnabled(plugin, context.tenant())) {
            throw new PermissionDeniedException(plugin, "tenant", "the adapter's plugin is not enabled for tenant "
                    + context.tenant() + ", so it may not receive its data (plugin:enable " + plugin + " --tenant "
                    + context.tenant() + ")");
        }
        if (patientId != null) {
            Optional<ConsentDirective> refusal = consents.refusing(context, plugin, patientId);
            if (refusal.isPresent()) {
                throw new PermissionDeniedException(plugin, "consent", "patient " + patientId + " "
                        + refusal.get().describe() + ": their data is not sent through it");
            }
        }
    }
}
