package org.carehost.security.internal;

import java.util.Set;

import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link EventCare} on the care-context bundle's services. The only class here that uses that bundle's API
 * (imported optionally): SCR builds it once ContextBinder and Tenants are registered, and the security manager
 * takes it through an optional, dynamic reference, so that its hooks never wait for the database.
 */
@Component(service = EventCare.class)
public final class CareContextLink implements EventCare {

    /**
     * The user of event work: none. A plugin handling an event acts on its own (CareContext: "user null when the
     * plugin acts on its own"), so the audit record names the plugin as the requestor and no person.
     */
    static final String NO_USER = null;

    private final ContextBinder binder;
    private final Tenants tenants;

    @Activate
    public CareContextLink(@Reference ContextBinder binder, @Reference Tenants tenants) {
        this.binder = binder;
        this.tenants = tenants;
    }

    @Override
    public boolean enabled(String plugin, String tenant) {
        return tenants.isEnabled(plugin, tenant);
    }

    @Override
    public String currentUser() {
        return binder.current().map(CareContext::user).orElse(null);
    }

    @Override
    public Bound unbound() {
        return binder.bind(null)::close;
    }

    @Override
    public Bound enter(String tenant, Purpose purpose) {
        CareContext context = binder.declare(tenant, NO_USER, Set.of(), purpose, null);
        ContextBinder.Binding binding = binder.bind(context);
        return binding::close;
    }
}
