package org.carehost.security.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Whether any plugin's code may have run in this JVM yet. Code runs only from a class, and every class of a plugin's is
 * defined by its bundle's class loader, which first offers it to the weaving hooks: the security manager's
 * {@link ClassGate} tells this class before anything else ({@link #classDefining}), before the class exists. Until then
 * no plugin can be the cause of a call (no plugin frame, no thread, task, pool or class loader of a plugin's: each needs
 * a plugin's code to run first), and {@link Causes} answers "the container" without walking the stack. That covers the
 * container's own start up to its plugins' first class (the framework reading its cache, SCR, the store, the audit
 * journal, the HTTP and SSH listeners), on a first start and on a warm one alike: a resolved plugin has no class yet.
 * A plugin that starts ({@link #bundleStarting}) counts too, whatever its classes. Once seen, always seen.
 *
 * <p>What could have run before this security manager's weaving hook was there is looked for when it claims the gate
 * ({@link #look}): a plugin that is starting, active or stopping, or whose start level the framework has reached (its
 * activator may have run and thrown, which leaves it resolved), or wired into the container (a package of its wired
 * to a container bundle, a fragment of it on one: container code may have run its classes as its own before the weaving
 * hook was there), or pending removal (its old classes may still run); any
 * earlier checker in the gate (a security manager before this one, in this JVM, under which plugins may have run and
 * left threads behind); and a framework already at the plugins' start level (this security manager came late). Before
 * the security manager, only container bundles have started, and none of them runs a plugin's code before the plugin
 * starts. A container bundle acting for a plugin with no classes (a WebAssembly plugin) is seen by {@link Causes} itself
 * ({@link Deputies#here}).
 */
final class PluginCodeSeen {

    private final PluginScope scope;
    private volatile boolean seen;

    PluginCodeSeen(PluginScope scope) {
        this.scope = scope;
    }

    /** Whether plugin code may have run: false only while no class of a plugin's has been defined. */
    boolean mayHaveRun() {
        return seen;
    }

    /**
     * From now on plugin code may run unseen: the security manager stops (its weaving hook goes with it, so a plugin's
     * class defined afterwards would tell nothing, and its lockdown must refuse it), a container bundle acts for a
     * plugin, or the weaving hook could not tell whose class it was offered.
     */
    void markSeen() {
        if (!seen) { // read first: every call a deputy makes for a plugin comes here, and a write is dearer
            seen = true;
        }
    }

    /**
     * A class of this bundle is about to be defined (the weaving hook, first thing, before the class exists): a
     * plugin's marks plugin code.
     */
    void classDefining(Bundle bundle) {
        if (!seen && !scope.isContainer(bundle)) {
            seen = true;
        }
    }

    /** A bundle is starting (the security manager's bundle listener): a plugin's marks plugin code. */
    void bundleStarting(Bundle bundle) {
        classDefining(bundle);
    }

    /**
     * Looks at what ran before this security manager's hooks (see the class comment). Unknown is seen. Asked through
     * the system bundle's context, which no bundle's find hook filters.
     */
    void look(BundleContext context, boolean gateClaimedBefore) {
        if (gateClaimedBefore) {
            seen = true;
            return;
        }
        try {
            BundleContext system = context.getBundle(0).getBundleContext();
            org.osgi.framework.startlevel.FrameworkStartLevel level = system.getBundle()
                    .adapt(org.osgi.framework.startlevel.FrameworkStartLevel.class);
            if (level == null || level.getStartLevel() >= scope.pluginStartLevel()) {
                seen = true;
                return;
            }
            for (Bundle bundle : system.getBundles()) {
                if (!scope.isContainer(bundle) && mayHaveStarted(bundle, level.getStartLevel())) {
                    seen = true;
                    return;
                }
            }
            FrameworkWiring wiring = system.getBundle().adapt(FrameworkWiring.class);
            for (Bundle pending : wiring.getRemovalPendingBundles()) {
                if (!scope.isContainer(pending)) { // uninstalled, its old classes still in use
                    seen = true;
                    return;
                }
            }
        } catch (RuntimeException unknown) {
            seen = true; // the framework could not say: walk every time, as before
        }
    }

    /**
     * Starting, active or stopping, or at a start level the framework has reached (or whose level is unknown); or
     * resolved and wired into the container: a package it exports wired to a container bundle (an optional import no
     * container bundle offers, resolved before the security manager's resolver hook was there), or a fragment of it
     * attached to a container bundle. Container code may then have loaded and run its classes as its own, before the
     * weaving hook was there to see them.
     */
    private boolean mayHaveStarted(Bundle bundle, int frameworkLevel) {
        if ((bundle.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
            return true;
        }
        org.osgi.framework.startlevel.BundleStartLevel level = bundle.adapt(
                org.osgi.framework.startlevel.BundleStartLevel.class);
        if (level == null || level.getStartLevel() <= frameworkLevel) {
            return true;
        }
        if ((bundle.getState() & Bundle.RESOLVED) == 0) {
            return false;
        }
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null) {
            return true; // resolved, with no wiring to look at: unknown is seen
        }
        for (BundleWire wire : wiring.getProvidedWires(null)) {
            if (scope.isContainer(wire.getRequirer().getBundle())) {
                return true;
            }
        }
        for (BundleWire wire : wiring.getRequiredWires(HostNamespace.HOST_NAMESPACE)) {
            if (scope.isContainer(wire.getProvider().getBundle())) {
                return true;
            }
        }
        return false;
    }
}
