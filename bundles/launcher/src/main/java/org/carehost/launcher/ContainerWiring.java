package org.carehost.launcher;

import java.util.Collection;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Keeps the container's bundles from wiring to plugins, from the framework's first resolve on: it drops (a) every
 * capability of a plugin offered to a container bundle's requirement, in any namespace (a plugin's package, bundle,
 * extender or service capability never stands in for the container's), and (b) a container bundle's
 * {@code osgi.wiring.host} capability offered to a plugin fragment (a plugin never attaches to the container).
 *
 * <p>Why in the launcher: the security manager's resolver hook refuses the same wires, but only once it runs (start
 * level 20). At a warm start the framework resolves the bundles of start level 10 (Logback among them) before that; a
 * plugin fragment of Logback installed earlier (plugin:install) would be attached then, and Logback would run a
 * {@code Configurator} the fragment lists in {@code META-INF/services} as container code, before any checker exists.
 * This hook is registered with the system bundle's context by {@link Boot}, before any bundle is installed or
 * started, so no resolve happens without it.
 *
 * <p>Which bundles are the container's is {@link ContainerBundles}'s answer, the one definition the security manager
 * and the plugin manager read: the launcher jar carries that class itself, copied from the security bundle's jar by
 * the build (the launcher's pom, {@code maven-dependency-plugin:unpack}), not a mirror of its logic. It depends on the
 * OSGi framework API only, which the launcher's class path has; the launcher does not export it, so the security
 * bundle's own copy is the one bundles see.
 *
 * <p>A hook that throws is ignored by Felix (the candidates stay): this one fails closed instead, dropping every plugin
 * capability offered to a container requirer and every container host offered to a plugin fragment.
 */
final class ContainerWiring implements ResolverHookFactory {

    private final ContainerBundles container;

    ContainerWiring(ContainerBundles container) {
        this.container = container;
    }

    /** Registers the hook with the system bundle's context, with the rule as the framework was launched. */
    static ServiceRegistration<ResolverHookFactory> register(BundleContext systemContext) {
        return systemContext.registerService(ResolverHookFactory.class,
                new ContainerWiring(new ContainerBundles(systemContext)), null);
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new ResolverHook() {
            @Override
            public void filterResolvable(Collection<BundleRevision> candidates) {
                // every bundle may resolve; only its wires are restricted
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton,
                    Collection<BundleCapability> collisionCandidates) {
                // the framework's rules apply
            }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
                filter(requirement, candidates);
            }

            @Override
            public void end() {
                // nothing held between calls
            }
        };
    }

    /** Drops the candidates the class comment names; public to the package for its test. */
    void filter(BundleRequirement requirement, Collection<BundleCapability> candidates) {
        if (candidates.isEmpty()) {
            return;
        }
        Bundle requirer = requirement.getRevision().getBundle();
        boolean host = HostNamespace.HOST_NAMESPACE.equals(requirement.getNamespace());
        try {
            boolean containerRequirer = container.isContainer(requirer);
            candidates.removeIf(capability -> {
                boolean containerProvider = container.isContainer(capability.getRevision().getBundle());
                return containerRequirer ? !containerProvider : host && containerProvider;
            });
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            candidates.clear();
        }
    }
}
