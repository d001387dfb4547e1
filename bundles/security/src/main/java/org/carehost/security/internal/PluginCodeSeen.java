package org.carehost.security.internal;

import java.util.Collection;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Whether any plugin's code may have run in this JVM yet. Until a plugin's revision is first offered to the resolver,
 * no class of any plugin can exist: a bundle's classes need its wiring, and every wiring passes the security manager's
 * resolver hook, which tells this class first ({@link #resolving}). Until then no plugin can be the cause of a call
 * (no plugin frame, no thread, task, pool or class loader of a plugin's), and {@link Causes} answers "the container"
 * without walking the stack: the container's own start, before its plugins resolve (the framework reading its cache,
 * SCR, the store, the audit journal), makes most of its checks then, on a first start and in a container with no
 * plugin. On a warm start the framework has resolved the installed plugins before the security manager claims the gate
 * ({@link #look} finds them), so every check walks from the claim on. Once seen, always seen.
 *
 * <p>What could have run before this security manager was there is looked for when it claims the gate
 * ({@link #look}): a plugin that is resolved (or was, and is still pending removal), and any earlier checker in the
 * gate (a security manager before this one, in this JVM, under which plugins may have run and left threads behind).
 * A container bundle acting for a plugin with no classes (a WebAssembly plugin) is seen by {@link Causes} itself
 * ({@link Deputies#here}).
 */
final class PluginCodeSeen {

    private final PluginScope scope;
    private volatile boolean seen;

    PluginCodeSeen(PluginScope scope) {
        this.scope = scope;
    }

    /** Whether plugin code may have run: false only while no plugin has ever been offered to the resolver. */
    boolean mayHaveRun() {
        return seen;
    }

    /**
     * From now on plugin code may run unseen: the security manager stops (its resolver hook goes with it, so a plugin
     * resolved afterwards would tell nothing, and its lockdown must refuse it), a container bundle acts for a plugin,
     * or a plugin resolved (the bundle listener's RESOLVED or STARTING, for a resolve that began before the hook
     * was registered).
     */
    void markSeen() {
        if (!seen) { // read first: every call a deputy makes for a plugin comes here, and a write is dearer
            seen = true;
        }
    }

    /** A bundle resolved or is starting (the security manager's bundle listener): a plugin's marks plugin code. */
    void bundleResolved(Bundle bundle) {
        if (!seen && !scope.isContainer(bundle)) {
            seen = true;
        }
    }

    /**
     * The resolver hook's candidates, before it resolves any: a plugin's among them may be resolved now. (Any bundle
     * not the container's counts, uninstalled or not: {@link PluginScope#isContainer} is a fact of its location.)
     */
    void resolving(Collection<BundleRevision> candidates) {
        for (BundleRevision revision : candidates) {
            if (seen) {
                return;
            }
            bundleResolved(revision.getBundle());
        }
    }

    /**
     * Looks at what ran before this security manager's hooks: any plugin that is resolved, starting, active or
     * stopping, or pending removal (its old classes may still run); whether the gate had a checker before
     * ({@code gateClaimedBefore}); and whether the framework has reached the plugins' start level already (this
     * security manager came late: plugins may have run and been refreshed since). Unknown is seen. Asked through the
     * system bundle's context, which no bundle's find hook filters.
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
                if (!scope.isContainer(bundle) && (bundle.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE
                        | Bundle.STOPPING)) != 0) {
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
}
