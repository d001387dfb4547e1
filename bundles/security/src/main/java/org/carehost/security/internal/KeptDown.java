package org.carehost.security.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.log.Logger;

/**
 * A refused plugin that requires nothing at all is resolved by the framework (the resolver hook refuses a plugin
 * through its requirements: {@link ResolverGate}) and, with no activator, started: none of its code can run
 * ({@link ClassGate}, {@link ExtenderGate}), but {@code plugin:list} said ACTIVE (red team 14). This stops such a
 * plugin as soon as it has started, transiently, so that it is still meant to run, and remembers it: once the policy
 * admits it, the {@link Reconciler} starts it.
 */
final class KeptDown {

    private final Function<Bundle, List<String>> refusals;
    private final Executor worker;
    private final Logger logger;
    private final Set<Long> stopped = ConcurrentHashMap.newKeySet();

    /**
     * @param refusals the security manager's refusals of a plugin (none for a container bundle)
     * @param worker the security manager's thread: the stop is not made inside the framework's event delivery
     */
    KeptDown(Function<Bundle, List<String>> refusals, Executor worker, Logger logger) {
        this.refusals = refusals;
        this.worker = worker;
        this.logger = logger;
    }

    /** The bundle has started: stopped again if it is a refused plugin. */
    void started(Bundle bundle) {
        // only a plugin wired to nothing can be both refused and started (the resolver hook refuses through
        // requirements): no other plugin's refusals are read here, nor on the worker while it may be being updated
        org.osgi.framework.wiring.BundleWiring wiring = bundle.adapt(org.osgi.framework.wiring.BundleWiring.class);
        if (wiring == null || !wiring.getRequiredWires(null).isEmpty() || refusals.apply(bundle).isEmpty()) {
            return;
        }
        worker.execute(() -> {
            if (bundle.getState() != Bundle.ACTIVE || refusals.apply(bundle).isEmpty()) {
                return;
            }
            try {
                bundle.stop(Bundle.STOP_TRANSIENT);
                stopped.add(bundle.getBundleId());
                logger.info("Plugin {} {} stopped: the security manager refuses it (plugin:why {}); it requires "
                        + "nothing, so the framework resolved and started it, but none of its code can run.",
                        bundle.getSymbolicName(), bundle.getVersion(), bundle.getBundleId());
            } catch (BundleException | IllegalStateException e) {
                logger.warn("Plugin {} is refused by the security manager but could not be stopped: {}",
                        bundle.getSymbolicName(), e.getMessage());
            }
        });
    }

    /** Whether the plugin was stopped here and has not been started since: the reconciler starts it once admitted. */
    boolean keptDown(Bundle bundle) {
        return stopped.contains(bundle.getBundleId()) && bundle.getState() == Bundle.RESOLVED;
    }

    void forget(long bundleId) {
        stopped.remove(bundleId);
    }
}
