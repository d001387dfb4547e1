package org.carehost.launcher;

import java.util.Collection;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.bundle.EventHook;
import org.osgi.framework.hooks.bundle.FindHook;

/**
 * Keeps the service loader mediator (Aries SPI Fly) from seeing the bundles it need not process, through the
 * framework's bundle hooks (a find hook and an event hook, registered before any bundle starts): the mediator never
 * learns of them, so it neither rewrites their classes nor registers their service-loader providers.
 *
 * <p>Why: SPI Fly rewrites every class of each bundle that asks for the mediator, with ASM computing frames, to find
 * {@code ServiceLoader} calls. For Felix HTTP's embedded Jetty that was about 10 % of a container start's CPU
 * (measured with JFR), spent on the critical path. Jetty asks for the mediator only optionally, and its lookups are
 * for what the container does not enable: HTTP/2's header encoders and ALPN ({@code org.apache.felix.http2.enable}),
 * Jetty's own security handlers and credential providers. Its HTTP/1 encoders are built in (used when the lookup finds
 * none). When HTTP/2 is enabled, Jetty is left to the mediator as before.
 *
 * <p>SPI Fly has no setting of its own to leave a bundle out (its {@code auto.consumers} only adds bundles).
 */
final class MediatorScope implements FindHook, EventHook {

    /** The service loader mediator's symbolic name. */
    static final String MEDIATOR = "org.apache.aries.spifly.dynamic.bundle";
    /** Felix HTTP with Jetty 12 embedded. */
    static final String JETTY = "org.apache.felix.http.jetty12";
    /** Felix HTTP's switch for HTTP/2, which needs Jetty's service-loader lookups. */
    static final String HTTP2 = "org.apache.felix.http2.enable";

    private final Set<String> hidden;

    MediatorScope(Set<String> hidden) {
        this.hidden = Set.copyOf(hidden);
    }

    /** Registers the hooks with the system bundle's context; null when nothing is to be hidden. */
    static ServiceRegistration<?> register(BundleContext systemContext) {
        if (Boolean.parseBoolean(systemContext.getProperty(HTTP2))) {
            return null;
        }
        MediatorScope scope = new MediatorScope(Set.of(JETTY));
        return systemContext.registerService(new String[] { FindHook.class.getName(), EventHook.class.getName() },
                scope, null);
    }

    @Override
    public void find(BundleContext context, Collection<Bundle> bundles) {
        if (isMediator(context)) {
            bundles.removeIf(this::isHidden);
        }
    }

    @Override
    public void event(BundleEvent event, Collection<BundleContext> contexts) {
        if (isHidden(event.getBundle())) {
            contexts.removeIf(MediatorScope::isMediator);
        }
    }

    boolean isHidden(Bundle bundle) {
        return bundle != null && hidden.contains(bundle.getSymbolicName());
    }

    private static boolean isMediator(BundleContext context) {
        Bundle bundle;
        try {
            bundle = context.getBundle();
        } catch (IllegalStateException stale) {
            return false;
        }
        return bundle != null && MEDIATOR.equals(bundle.getSymbolicName());
    }
}
