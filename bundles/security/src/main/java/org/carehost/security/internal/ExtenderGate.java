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
 * refused plugin: not in their bundle lists, not in their bundle events. So no component of it is built, even
 * when the plugin resolved without the resolver hook's say (a bundle with no requirements at all) and its
 * component descriptions name classes that are not its own.
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
        if (refused(event.getBundle())) {
            contexts.removeIf(context -> isExtender(context.getBundle()));
        }
    }

    @Override
    public void find(BundleContext context, Collection<Bundle> bundles) {
        if (isExtender(context.getBundle())) {
            bundles.removeIf(this::refused);
        }
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
