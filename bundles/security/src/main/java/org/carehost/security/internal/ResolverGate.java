package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.resource.Namespace;

/**
 * Keeps refused plugins from resolving and restricts what plugins wire to: packages only from the import
 * allow-list or from other plugins, never another bundle's insides (Require-Bundle on, or a fragment of, a
 * container bundle). No plugin may stand in for a container package: a capability a plugin offers for one is
 * dropped for every requirer, and no container bundle wires to any package a plugin exports (a plugin's
 * "newer" ASM or SLF4J would otherwise replace the container's).
 *
 * <p>A refused plugin is kept out through its requirements (every candidate dropped), not through
 * {@code filterResolvable}: Felix 7 then also drops the already-resolved providers (the system bundle's
 * {@code java.*} packages among them) for every other bundle resolved in the same operation, so one refused
 * plugin would keep its neighbours from resolving. A plugin with no requirements at all resolves, and is
 * stopped by {@link ClassGate} instead: none of its classes can be defined.
 */
final class ResolverGate implements ResolverHookFactory {

    /** Refusals noticed while wiring, reported through {@code plugin:why}. */
    interface WiringRefusals {
        void refused(Bundle plugin, String reason);
    }

    private final PluginScope scope;
    private final Function<Bundle, List<String>> admission;
    private final Supplier<ImportRules> imports;
    private final WiringRefusals refusals;
    private final Function<Bundle, String> signer;

    /**
     * @param signer the subject DN of the trusted certificate a plugin is signed by, or null: whose plugin it is, for
     *        a fragment of one plugin onto another
     */
    ResolverGate(PluginScope scope, Function<Bundle, List<String>> admission, Supplier<ImportRules> imports,
            WiringRefusals refusals, Function<Bundle, String> signer) {
        this.scope = scope;
        this.admission = admission;
        this.imports = imports;
        this.refusals = refusals;
        this.signer = signer;
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        ImportRules rules = imports.get();
        return new ResolverHook() {
            @Override
            public void filterResolvable(Collection<BundleRevision> candidates) {
                // see the class comment: refusals act through filterMatches
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton,
                    Collection<BundleCapability> collisionCandidates) {
                // the framework's rules apply
            }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
                try {
                    filter(requirement, candidates, rules);
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    // Felix keeps the candidates when a hook throws: fail closed instead, and say so (the framework
                    // reports only a missing requirement)
                    candidates.removeIf(capability -> scope.isPlugin(capability.getRevision().getBundle()));
                    Bundle requirer = requirement.getRevision().getBundle();
                    if (scope.isPlugin(requirer)) {
                        candidates.clear();
                        refusals.refused(requirer, "its requirement " + requirement + " could not be checked (" + e
                                + "); plugin:start or plugin:update it to try again");
                    }
                }
            }

            @Override
            public void end() {
                // nothing held between calls
            }
        };
    }

    private void filter(BundleRequirement requirement, Collection<BundleCapability> candidates, ImportRules rules) {
        if (candidates.isEmpty()) {
            return;
        }
        Bundle requirer = requirement.getRevision().getBundle();
        boolean pluginRequirer = scope.isPlugin(requirer);
        if (pluginRequirer && !admission.apply(requirer).isEmpty()) {
            candidates.clear();
            return;
        }
        String[] refused = {null};
        candidates.removeIf(capability -> {
            Bundle provider = capability.getRevision().getBundle();
            boolean pluginProvider = scope.isPlugin(provider);
            if (pluginProvider && !admission.apply(provider).isEmpty()) {
                return true;
            }
            if (!pluginRequirer && pluginProvider && PackageNamespace.PACKAGE_NAMESPACE.equals(requirement.getNamespace())) {
                return true; // the container never runs a plugin's code in place of its own library
            }
            String reason = pluginRequirer && pluginProvider
                    && HostNamespace.HOST_NAMESPACE.equals(requirement.getNamespace())
                    ? foreignHost(requirer, provider)
                    : refusal(requirement.getNamespace(), pluginRequirer, pluginProvider, capability, rules);
            if (reason != null) {
                refused[0] = reason;
                return true;
            }
            return false;
        });
        if (refused[0] != null && candidates.isEmpty() && mandatory(requirement)) {
            refusals.refused(requirer, refused[0]);
        }
    }

    /** Why a plugin's wiring, made before the security manager started, breaks the rules; empty if it does not. */
    List<String> wiringViolations(Bundle plugin) {
        List<String> violations = new ArrayList<>();
        BundleWiring wiring = plugin.adapt(BundleWiring.class);
        if (wiring == null) {
            return violations;
        }
        ImportRules rules = imports.get();
        for (BundleWire wire : wiring.getRequiredWires(null)) {
            BundleCapability capability = wire.getCapability();
            Bundle provider = capability.getRevision().getBundle();
            String reason = scope.isPlugin(provider) && HostNamespace.HOST_NAMESPACE.equals(capability.getNamespace())
                    ? foreignHost(plugin, provider)
                    : refusal(capability.getNamespace(), true, scope.isPlugin(provider), capability, rules);
            if (reason != null) {
                violations.add(reason);
            }
        }
        return violations;
    }

    /**
     * Why a plugin fragment may not attach to this plugin host, or null when it may. A fragment's classes are loaded
     * by its host's class loader, so they run with the host's grants (and the run-time layer sees the host as their
     * cause): a fragment may attach only to a bundle of the same plugin. Same plugin means signed by the same trusted
     * signer; unsigned (development mode), the fragment is named after its host ({@code <host-bsn>.<part>}), as the
     * policy's grants by name are.
     */
    private String foreignHost(Bundle fragment, Bundle host) {
        String hostSigner = signer.apply(host);
        String fragmentSigner = signer.apply(fragment);
        String hostName = String.valueOf(host.getSymbolicName());
        boolean same = hostSigner != null ? hostSigner.equals(fragmentSigner)
                : fragmentSigner == null && String.valueOf(fragment.getSymbolicName()).startsWith(hostName + ".");
        if (same) {
            return null;
        }
        return "it is a fragment of the plugin " + hostName + ", which is not its own (its classes would run with "
                + hostName + "'s grants); a fragment attaches only to a bundle of its own plugin: signed by the same "
                + "signer, or, unsigned, named " + hostName + ".<part>";
    }

    /** Why the wire from a requirer to this capability is not allowed, or null when it is. */
    private static String refusal(String namespace, boolean pluginRequirer, boolean pluginProvider,
            BundleCapability capability, ImportRules rules) {
        Bundle provider = capability.getRevision().getBundle();
        if (PackageNamespace.PACKAGE_NAMESPACE.equals(namespace)) {
            String pkg = String.valueOf(capability.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE));
            if (pluginProvider && ImportRules.containerOnly(pkg)) {
                return "it would wire to " + pkg + " from the plugin " + provider.getSymbolicName()
                        + "; only the container provides that package";
            }
            if (pluginRequirer && !pluginProvider && !rules.allowed(pkg)) {
                return "it imports " + pkg + ", which plugins may not import (allowed: "
                        + String.join(", ", rules.allowed()) + ", what other plugins export, and the policy's "
                        + "allow-import entries)";
            }
        } else if (pluginRequirer && !pluginProvider && BundleNamespace.BUNDLE_NAMESPACE.equals(namespace)) {
            return "it requires the container bundle " + provider.getSymbolicName()
                    + " (Require-Bundle); plugins may depend on packages only";
        } else if (pluginRequirer && !pluginProvider && HostNamespace.HOST_NAMESPACE.equals(namespace)) {
            return "it is a fragment of the container bundle " + provider.getSymbolicName()
                    + "; plugins may not attach to the container";
        }
        return null;
    }

    private static boolean mandatory(BundleRequirement requirement) {
        String resolution = requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE);
        return resolution == null || Namespace.RESOLUTION_MANDATORY.equals(resolution);
    }
}
