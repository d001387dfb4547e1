package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;

import org.carehost.security.ContainerBundles;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Until a plugin's first class is about to be defined (or a plugin starts) no plugin code can run, and the run-time
 * layer's walks are skipped; what may have run before the security manager (a plugin started, or at a start level
 * reached, one pending removal, an earlier checker) counts as seen; a plugin only resolved does not.
 */
class PluginCodeSeenTest {

    private final PluginScope scope = new PluginScope(new ContainerBundles("jar/org.carehost.store", null));
    private final PluginCodeSeen seen = new PluginCodeSeen(scope);
    private final Bundle system = bundle(0, "System Bundle", Bundle.ACTIVE);
    private final Bundle store = bundle(3, "jar/org.carehost.store", Bundle.ACTIVE);

    @Test
    void theContainersClassesAreNoPluginCode() {
        seen.classDefining(store);
        seen.bundleStarting(store);
        seen.look(context(List.of(system, store), List.of()), false);
        assertFalse(seen.mayHaveRun());
    }

    @Test
    void aPluginsClassAboutToBeDefinedIsSeen() {
        seen.classDefining(bundle(70, "file:deploy/x.jar", Bundle.RESOLVED));
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void aPluginResolvedBeforeTheSecurityManagerButBelowItsStartLevelIsNot() {
        // a warm start: the framework resolved the installed plugins, none has a class, their level is not reached
        seen.look(context(List.of(system, store, bundle(70, "file:deploy/x.jar", Bundle.RESOLVED)), List.of()), false);
        assertFalse(seen.mayHaveRun());
    }

    @Test
    void aResolvedPluginWhosePackageAContainerBundleImportsIsSeen() {
        // an optional import of a container bundle's that only a plugin offers, resolved before the resolver hook: the
        // container bundle may have run the plugin's classes as its own before the weaving hook was there
        Bundle plugin = bundle(70, "file:deploy/x.jar", Bundle.RESOLVED, 50, List.of(wire(store)), List.of());
        seen.look(context(List.of(system, store, plugin), List.of()), false);
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void aResolvedPluginWiredOnlyToPluginsIsNot() {
        Bundle other = bundle(71, "file:deploy/y.jar", Bundle.RESOLVED);
        Bundle plugin = bundle(70, "file:deploy/x.jar", Bundle.RESOLVED, 50, List.of(wire(other)), List.of());
        seen.look(context(List.of(system, store, plugin, other), List.of()), false);
        assertFalse(seen.mayHaveRun());
    }

    @Test
    void aPluginFragmentAttachedToAContainerBundleIsSeen() {
        Bundle fragment = bundle(70, "file:deploy/x.jar", Bundle.RESOLVED, 50, List.of(), List.of(wire(store)));
        seen.look(context(List.of(system, store, fragment), List.of()), false);
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void aResolvedPluginWhoseStartLevelWasReachedIsSeen() {
        // its activator may have run and thrown, which leaves it resolved
        seen.look(context(List.of(system, store, bundle(70, "file:deploy/x.jar", Bundle.RESOLVED, 10)), List.of()),
                false);
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void aPluginInstalledButNeverResolvedIsNot() {
        seen.look(context(List.of(system, store, bundle(70, "file:deploy/x.jar", Bundle.INSTALLED)), List.of()), false);
        assertFalse(seen.mayHaveRun());
    }

    @Test
    void aPluginResolvedBeforeTheSecurityManagerIsSeen() {
        seen.look(context(List.of(system, store, bundle(70, "file:deploy/x.jar", Bundle.ACTIVE)), List.of()), false);
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void anUninstalledPluginWhoseClassesAreStillInUseIsSeen() {
        seen.look(context(List.of(system, store), List.of(bundle(70, "file:deploy/x.jar", Bundle.UNINSTALLED))), false);
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void anEarlierCheckerInTheGateMeansPluginsMayHaveRun() {
        seen.look(context(List.of(system, store), List.of()), true);
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void aSecurityManagerThatStartsOnceThePluginsLevelIsReachedCameLate() {
        seen.look(context(List.of(system, store), List.of(), 50), false);
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void aPluginStartingSeenByTheBundleListenerIsSeen() {
        seen.bundleStarting(store);
        assertFalse(seen.mayHaveRun());
        seen.bundleStarting(bundle(70, "file:deploy/x.jar", Bundle.STARTING));
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void onceMarkedAlwaysSeen() {
        seen.markSeen(); // the security manager stops, or a container bundle acts for a plugin
        seen.look(context(List.of(system, store), List.of()), false);
        seen.classDefining(store);
        assertTrue(seen.mayHaveRun());
    }

    @Test
    void aFrameworkThatCannotSayIsSeen() {
        BundleContext broken = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("framework stopping");
                });
        seen.look(broken, false);
        assertTrue(seen.mayHaveRun());
    }

    private static Bundle bundle(long id, String location, int state) {
        return bundle(id, location, state, 50);
    }

    /** A bundle at {@code startLevel} (plugins sit at 50). */
    private static Bundle bundle(long id, String location, int state, int startLevel) {
        return bundle(id, location, state, startLevel, List.of(), List.of());
    }

    /**
     * A bundle whose wiring has these wires: {@code provided}, each to the bundle it names as the requirer;
     * {@code hosts}, the host wires it requires, each to the bundle it names as the provider.
     */
    private static Bundle bundle(long id, String location, int state, int startLevel, List<BundleWire> provided,
            List<BundleWire> hosts) {
        BundleWiring wiring = (BundleWiring) Proxy.newProxyInstance(PluginCodeSeenTest.class.getClassLoader(),
                new Class<?>[] {BundleWiring.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getProvidedWires": return args[0] == null ? provided : List.of();
                        case "getRequiredWires": return HostNamespace.HOST_NAMESPACE.equals(args[0]) ? hosts : List.of();
                        default: return null;
                    }
                });
        BundleStartLevel level = (BundleStartLevel) Proxy.newProxyInstance(PluginCodeSeenTest.class.getClassLoader(),
                new Class<?>[] {BundleStartLevel.class},
                (proxy, method, args) -> method.getName().equals("getStartLevel") ? startLevel : null);
        return (Bundle) Proxy.newProxyInstance(PluginCodeSeenTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getBundleId": return id;
                        case "getLocation": return location;
                        case "getState": return state;
                        case "adapt": return args[0] == BundleStartLevel.class ? level
                                : args[0] == BundleWiring.class ? wiring : null;
                        case "hashCode": return Long.hashCode(id);
                        case "equals": return proxy == args[0];
                        default: return null;
                    }
                });
    }

    /** A wire whose requirer and provider are both {@code other}: each test reads only the side it needs. */
    private static BundleWire wire(Bundle other) {
        BundleRevision revision = (BundleRevision) Proxy.newProxyInstance(PluginCodeSeenTest.class.getClassLoader(),
                new Class<?>[] {BundleRevision.class},
                (proxy, method, args) -> method.getName().equals("getBundle") ? other : null);
        return (BundleWire) Proxy.newProxyInstance(PluginCodeSeenTest.class.getClassLoader(),
                new Class<?>[] {BundleWire.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getRequirer": case "getProvider": return revision;
                        default: return null;
                    }
                });
    }

    private BundleContext context(List<Bundle> bundles, List<Bundle> removalPending) {
        return context(bundles, removalPending, 20);
    }

    /** A framework at {@code startLevel} (the security manager starts at 20, plugins at 50). */
    private BundleContext context(List<Bundle> bundles, List<Bundle> removalPending, int startLevel) {
        FrameworkWiring wiring = (FrameworkWiring) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {FrameworkWiring.class},
                (proxy, method, args) -> method.getName().equals("getRemovalPendingBundles") ? removalPending : null);
        FrameworkStartLevel level = (FrameworkStartLevel) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {FrameworkStartLevel.class},
                (proxy, method, args) -> method.getName().equals("getStartLevel") ? startLevel : null);
        BundleContext[] context = new BundleContext[1];
        Bundle systemWithWiring = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Bundle.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "adapt": return args[0] == FrameworkWiring.class ? wiring : level;
                        case "getBundleId": return 0L;
                        case "getBundleContext": return context[0];
                        default: return null;
                    }
                });
        context[0] = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getBundles": return bundles.toArray(new Bundle[0]);
                        case "getBundle": return systemWithWiring;
                        default: return null;
                    }
                });
        return context[0];
    }
}
