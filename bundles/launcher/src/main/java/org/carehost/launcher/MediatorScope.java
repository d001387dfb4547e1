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
 * {@code ServiceLoader} calls, on the thread that loads the class: at a container start, the start-level thread.
 * <ul>
 * <li>Felix HTTP's embedded Jetty: about 10 % of a container start's CPU (measured with JFR). Jetty asks for the
 * mediator only optionally, and its lookups are for what the container does not enable: HTTP/2's header encoders and
 * ALPN ({@code org.apache.felix.http2.enable}), Jetty's own security handlers and credential providers. Its HTTP/1
 * encoders are built in (used when the lookup finds none). When HTTP/2 is enabled, Jetty is left to the mediator.</li>
 * <li>SLF4J's API and Logback: logback-classic asks for the mediator (optionally, for a {@code Configurator} lookup the
 * container does not use: it names {@code etc/logback.xml}), so each of the few hundred classes it loads at start was
 * rewritten, about 9 % of the start-level thread's samples of a warm start. SLF4J needed the mediator to find Logback;
 * the container's SLF4J binding (the fragment {@value #BINDING} of {@code slf4j.api}) now names Logback's provider
 * to SLF4J's own {@code ServiceLoader} lookup. Both are hidden only when that fragment is installed.</li>
 * </ul>
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
    /** The container's SLF4J binding: a fragment of slf4j.api naming Logback's provider. */
    static final String BINDING = "org.carehost.logging.slf4j";
    /** The bundles that need no mediator once the binding is installed. */
    static final Set<String> LOGGING = Set.of("slf4j.api", "ch.qos.logback.classic");

    private final BundleContext system;
    private final Set<String> hidden;
    /** Set once the binding was seen installed; a bundle is never uninstalled while the container starts. */
    private volatile boolean bindingSeen;

    MediatorScope(BundleContext system, Set<String> hidden) {
        this.system = system;
        this.hidden = Set.copyOf(hidden);
    }

    /** Registers the hooks with the system bundle's context. */
    static ServiceRegistration<?> register(BundleContext systemContext) {
        Set<String> hidden = Boolean.parseBoolean(systemContext.getProperty(HTTP2)) ? Set.of() : Set.of(JETTY);
        MediatorScope scope = new MediatorScope(systemContext, hidden);
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
        if (bundle == null) {
            return false;
        }
        String name = bundle.getSymbolicName();
        return hidden.contains(name) || LOGGING.contains(name) && bindingInstalled();
    }

    private boolean bindingInstalled() {
        if (!bindingSeen) {
            for (Bundle bundle : system.getBundles()) {
                if (BINDING.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED) {
                    bindingSeen = true;
                    break;
                }
            }
        }
        return bindingSeen;
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
