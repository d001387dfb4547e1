package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.carehost.security.Permission;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.service.event.EventAdmin;

/**
 * The services the security manager registers besides its own two: the framework hooks that enforce admission and
 * grants (resolver, weaving, bundle and service hooks), the guarded Event Admin plugins see, and the services other
 * container bundles ask it for ({@code PluginLimits}, {@code PluginDeputy}). It keeps their registrations and takes
 * them all down at the component's stop.
 *
 * <p>Apart from {@link SecurityManagerImpl} so the component reads as the order in which its parts are built; which
 * hook does what is told here once. The hooks stay up for the component's whole life: a new configuration is in force at
 * the next start, never by taking the hooks down under running plugins.
 */
final class HookRegistrations {

    private final BundleContext context;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    /** Plugins' posted events, waiting for delivery (null before the gates are registered). */
    private PostQueues posts;

    HookRegistrations(BundleContext context) {
        this.context = context;
    }

    /** The gates: from their registration on, no plugin resolves, defines a class or sees a service unchecked. */
    void registerGates(PluginScope scope, ShellCommands commands, GrantsCalculator grants, Admission admission,
            ResolverGate resolverGate, PluginCodeSeen pluginCode, RefusalRecorder refusals,
            Supplier<EventAdmin> events, java.util.function.Predicate<Bundle> stopped) {
        long self = context.getBundle().getBundleId();
        ServiceGate gate = new ServiceGate(scope, commands, grants::grantsOf,
                bundle -> deliversEvents(scope, self, bundle), self);
        register(ResolverHookFactory.class, resolverGate);
        register(WeavingHook.class, new ClassGate(scope, admission::admission, pluginCode));
        ExtenderGate extenders = new ExtenderGate(scope, admission::admission);
        register(org.osgi.framework.hooks.bundle.EventHook.class, extenders);
        register(org.osgi.framework.hooks.bundle.FindHook.class, extenders);
        register(FindHook.class, gate);
        register(EventListenerHook.class, gate);
        posts = new PostQueues(events, stopped);
        registrations.add(context.registerService(EventAdmin.class, new GuardedEventAdmin(events, grants::grantsOf,
                (plugin, reason) -> refusals.deny(plugin, "publish", Permission.PUBLISH_EVENTS.id(), reason), posts),
                new Hashtable<>(Map.of(GuardedEventAdmin.GUARD_PROPERTY, Boolean.TRUE))));
    }

    /** Registers one more service, taken down with the hooks. */
    <S> void register(Class<S> type, S service) {
        registrations.add(context.registerService(type, service, null));
    }

    /** Registers one more service made per bundle that gets it, taken down with the hooks. */
    <S> void register(Class<S> type, ServiceFactory<S> factory) {
        registrations.add(context.registerService(type, factory, null));
    }

    /** At the component's stop: every registration taken down, those the stopping framework took already skipped. */
    void unregisterAll() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        if (posts != null) {
            posts.close();
        }
    }

    /** Whether the bundle is a container bundle that delivers events to handlers (an Event Admin). */
    private static boolean deliversEvents(PluginScope scope, long self, Bundle bundle) {
        if (scope.isPlugin(bundle) || bundle.getBundleId() == self) {
            return false;
        }
        return ServiceGate.implementsEventAdmin(bundle);
    }
}
