package org.carehost.catalog.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.carehost.catalog.CatalogException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.resource.Capability;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;
import org.osgi.resource.Wire;
import org.osgi.resource.Wiring;
import org.osgi.service.resolver.HostedCapability;
import org.osgi.service.resolver.ResolutionException;
import org.osgi.service.resolver.ResolveContext;
import org.osgi.service.resolver.Resolver;

import aQute.bnd.osgi.repository.ResourcesRepository;

/**
 * Works out what installing a catalog resource takes, with the framework's own resolver: a resolve context of the
 * bundles already resolved in the framework (their wirings as they are) plus the catalogs' resources. Installed
 * providers come first, then catalog ones, newest version first. The resources the resolution wires that are not
 * installed yet are the plan, ordered so that each one's providers come before it (a cycle is kept together).
 */
final class PlanResolver {

    private final BundleContext context;
    private final Resolver resolver;

    PlanResolver(BundleContext context, Resolver resolver) {
        this.context = context;
        this.resolver = resolver;
    }

    /** The resources to install for {@code target}, providers first; {@code target} last unless a cycle says otherwise. */
    List<Resource> resolve(Resource target, ResourcesRepository catalog) throws CatalogException {
        Map<Resource, Wiring> wirings = new HashMap<>();
        List<Resource> installed = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            if (revision != null && wiring != null && wiring.isInUse()) {
                wirings.put(revision, wiring);
                installed.add(revision);
            }
        }
        Context resolveContext = new Context(target, new ResourcesRepository(installed), catalog, wirings);
        Map<Resource, List<Wire>> result;
        try {
            result = resolver.resolve(resolveContext);
        } catch (ResolutionException e) {
            throw new CatalogException(describe(target, e), e);
        }
        return order(target, result, wirings);
    }

    private static List<Resource> order(Resource target, Map<Resource, List<Wire>> result,
            Map<Resource, Wiring> installed) {
        Set<Resource> ordered = new LinkedHashSet<>();
        Set<Resource> visiting = new java.util.HashSet<>();
        visit(target, result, installed, ordered, visiting);
        for (Resource resource : result.keySet()) {
            visit(resource, result, installed, ordered, visiting);
        }
        return new ArrayList<>(ordered);
    }

    private static void visit(Resource resource, Map<Resource, List<Wire>> result, Map<Resource, Wiring> installed,
            Set<Resource> ordered, Set<Resource> visiting) {
        if (installed.containsKey(resource) || resource instanceof BundleRevision || ordered.contains(resource)
                || !visiting.add(resource)) {
            return; // installed already, placed already, or a cycle: its members go in as found
        }
        for (Wire wire : result.getOrDefault(resource, List.of())) {
            visit(wire.getProvider(), result, installed, ordered, visiting);
        }
        ordered.add(resource);
    }

    private static String describe(Resource target, ResolutionException e) {
        StringBuilder text = new StringBuilder(Resources.symbolicName(target) + " " + Resources.version(target)
                + " cannot be installed: ");
        Collection<Requirement> unresolved = e.getUnresolvedRequirements();
        if (unresolved == null || unresolved.isEmpty()) {
            text.append(e.getMessage());
        } else {
            List<String> parts = new ArrayList<>();
            for (Requirement requirement : unresolved) {
                parts.add(Requirements.describe(requirement));
            }
            text.append(String.join("; ", parts));
            text.append(" — no installed bundle or catalog provides it");
        }
        text.append(". Nothing was installed. Add a catalog that offers it, or install a bundle that provides it.");
        return text.toString();
    }

    private static final class Context extends ResolveContext {
        private final Resource target;
        private final ResourcesRepository installed;
        private final ResourcesRepository catalog;
        private final Map<Resource, Wiring> wirings;

        Context(Resource target, ResourcesRepository installed, ResourcesRepository catalog,
                Map<Resource, Wiring> wirings) {
            this.target = target;
            this.installed = installed;
            this.catalog = catalog;
            this.wirings = wirings;
        }

        @Override
        public Collection<Resource> getMandatoryResources() {
            return List.of(target);
        }

        @Override
        public List<Capability> findProviders(Requirement requirement) {
            List<Capability> providers = new ArrayList<>(installed.findProvider(requirement));
            List<Capability> offered = new ArrayList<>(catalog.findProvider(requirement));
            offered.sort(Comparator.comparing((Capability c) -> versionOf(c)).reversed());
            for (Capability capability : offered) {
                if (isEffective(requirement, capability)) {
                    providers.add(capability);
                }
            }
            return providers;
        }

        private static Version versionOf(Capability capability) {
            return Resources.version(capability.getResource());
        }

        private static boolean isEffective(Requirement requirement, Capability capability) {
            String effective = capability.getDirectives().get(Namespace.CAPABILITY_EFFECTIVE_DIRECTIVE);
            return effective == null || Namespace.EFFECTIVE_RESOLVE.equals(effective)
                    || IdentityNamespace.IDENTITY_NAMESPACE.equals(requirement.getNamespace());
        }

        @Override
        public int insertHostedCapability(List<Capability> capabilities, HostedCapability hosted) {
            capabilities.add(hosted);
            return capabilities.size() - 1;
        }

        @Override
        public boolean isEffective(Requirement requirement) {
            String effective = requirement.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
            return effective == null || Namespace.EFFECTIVE_RESOLVE.equals(effective);
        }

        @Override
        public Map<Resource, Wiring> getWirings() {
            return wirings;
        }
    }
}
