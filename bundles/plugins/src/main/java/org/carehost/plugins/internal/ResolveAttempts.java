package org.carehost.plugins.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Tells which bundles the framework just tried to resolve: a resolver hook that changes nothing, and at the end
 * of each resolve operation hands its trigger bundles to {@code attempted}. Whether the attempt failed is then
 * decided from the framework's own answer (see {@link LifecycleEvents}), never from a timer.
 * Resolve operations started by {@link #quietly} on the current thread are not reported.
 */
final class ResolveAttempts implements ResolverHookFactory {

    private static final ResolverHook NONE = new Hook(List.of(), bundles -> { });

    private final Consumer<List<Bundle>> attempted;
    private final ThreadLocal<Boolean> quiet = new ThreadLocal<>();

    ResolveAttempts(Consumer<List<Bundle>> attempted) {
        this.attempted = attempted;
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        if (Boolean.TRUE.equals(quiet.get())) {
            return NONE;
        }
        List<Bundle> bundles = new ArrayList<>();
        for (BundleRevision revision : triggers) {
            bundles.add(revision.getBundle());
        }
        return new Hook(bundles, attempted);
    }

    /** Runs {@code resolve} (a call that resolves) without reporting it. */
    boolean quietly(java.util.function.BooleanSupplier resolve) {
        quiet.set(Boolean.TRUE);
        try {
            return resolve.getAsBoolean();
        } finally {
            quiet.remove();
        }
    }

    private record Hook(List<Bundle> triggers, Consumer<List<Bundle>> attempted) implements ResolverHook {

        @Override
        public void filterResolvable(Collection<BundleRevision> candidates) {
        }

        @Override
        public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisions) {
        }

        @Override
        public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
        }

        @Override
        public void end() {
            if (!triggers.isEmpty()) {
                attempted.accept(triggers);
            }
        }
    }
}
