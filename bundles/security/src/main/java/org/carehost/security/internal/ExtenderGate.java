package org.carehost.security.internal;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.hooks.bundle.EventHook;
import org.osgi.framework.hooks.bundle.FindHook;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Extenders (Service Component Runtime, SPI Fly: bundles offering an {@code osgi.extender} capability) never see a
 * refused plugin: not in their bundle lists, not in the bundle events that could start its extension. So no component
 * of it is built, even when the plugin resolved without the resolver hook's say (a bundle with no requirements at all)
 * and its component descriptions name classes that are not its own.
 */
final class ExtenderGate implements EventHook, FindHook {

    private static final String EXTENDER_NAMESPACE = "osgi.extender";

    private final PluginScope scope;
    private final Function<Bundle, List<String>> admission;

    ExtenderGate(PluginScope scope, Function<Bundle, List<String>> admission) {
        this.scope = scope;
        this.admission = admission;
    }

    @Override
    public void event(BundleEvent event, Collection<BundleContext> contexts) {
        if (!tearsDown(event) && refused(event.getBundle())) {
            contexts.removeIf(context -> isExtender(context.getBundle()));
        }
    }

    @Override
    public void find(BundleContext context, Collection<Bundle> bundles) {
        if (isExtender(context.getBundle())) {
            bundles.removeIf(this::refused);
        }
    }

    /**
     * An event after which an extender only takes down what it built (SCR disposes the components, calling their
     * deactivate): delivered even for a refused plugin. A plugin refused while it runs (a policy change, production
     * mode) is stopped by the refresh that follows; hiding that stop from SCR left its components active on a stopped
     * bundle, never deactivated, until SCR tore them down at the plugin's next start and failed on the services the
     * framework had unregistered meanwhile (a WARN "Component deactivation threw an exception" blaming each plugin).
     */
    private static boolean tearsDown(BundleEvent event) {
        int type = event.getType();
        return type == BundleEvent.STOPPING || type == BundleEvent.STOPPED || type == BundleEvent.UNRESOLVED
                || type == BundleEvent.UNINSTALLED;
    }

    private boolean refused(Bundle bundle) {
        try {
            return scope.isPlugin(bundle) && bundle.getState() != Bundle.UNINSTALLED && !admission.apply(bundle).isEmpty();
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static boolean isExtender(Bundle bundle) {
        if (bundle == null || bundle.getBundleId() == 0) {
            return false;
        }
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && !revision.getDeclaredCapabilities(EXTENDER_NAMESPACE).isEmpty();
    }
}
