package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.log.Logger;

/**
 * Applies a policy change to the plugins at once: their grants are replaced in place, and on the security
 * manager's thread a plugin now refused, or whose visible services changed, is refreshed (the framework's refresh
 * thread stops and restarts it), and one now admitted is started if it was meant to run, on a thread
 * {@code carehost-policy-start} of its own (its start runs its code, which may never return).
 */
final class Reconciler {

    private final BundleContext context;
    private final PluginScope scope;
    private final GrantsCalculator grants;
    private final Admission admission;
    private final ResolverGate resolverGate;
    private final KeptDown keptDown;
    private final Executor worker;
    private final Logger logger;
    private static final long APPLY_WAIT_SECONDS = 10;

    /** Plugins whose visible services changed with the policy: refreshed by the next apply. */
    private final Set<Long> pendingRefresh = ConcurrentHashMap.newKeySet();
    /** The plugins following the last policy loaded: {@link #whenApplied}. */
    private volatile CompletableFuture<Void> applied = CompletableFuture.completedFuture(null);

    Reconciler(BundleContext context, PluginScope scope, GrantsCalculator grants, Admission admission,
            ResolverGate resolverGate, KeptDown keptDown, Executor worker, Logger logger) {
        this.context = context;
        this.scope = scope;
        this.grants = grants;
        this.admission = admission;
        this.resolverGate = resolverGate;
        this.keptDown = keptDown;
        this.worker = worker;
        this.logger = logger;
    }

    /**
     * The policy changed: every plugin's grants now, the refreshes and starts on the worker; {@link #whenApplied}
     * waits for them.
     */
    void applyNow() {
        grants.regrantAll(pendingRefresh::add);
        CompletableFuture<Void> done = new CompletableFuture<>();
        applied = done;
        worker.execute(() -> apply(done));
    }

    /**
     * The answer to an operator's edit of the policy once the plugins follow it (the refused refreshed, the admitted
     * started), or within {@link #APPLY_WAIT_SECONDS} saying they still are: a script's next command sees them as the
     * policy says, not as before it (a {@code plugin:list} right after {@code security:mode production} listed
     * plugins ACTIVE that the new mode refuses).
     */
    String whenApplied(String answer) {
        try {
            applied.get(APPLY_WAIT_SECONDS, TimeUnit.SECONDS);
            return answer;
        } catch (TimeoutException | ExecutionException e) {
            return answer + " Some plugins are still being stopped or started under it (plugin:list shows them).";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return answer + " Some plugins may still be being stopped or started under it (plugin:list shows them).";
        }
    }

    void apply() {
        apply(new CompletableFuture<>());
    }

    /**
     * Brings every plugin in line with the policy: a resolved plugin now refused, or whose visible services
     * changed, is refreshed (stopped, re-resolved through the hooks, restarted if it may); a refused plugin now
     * admitted is resolved and started if it was meant to run.
     */
    private void apply(CompletableFuture<Void> applied) {
        List<Bundle> refresh = new ArrayList<>();
        List<Bundle> start = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (!scope.isPlugin(bundle)) {
                continue;
            }
            boolean resolved = (bundle.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) != 0;
            boolean visibilityChanged = pendingRefresh.remove(bundle.getBundleId());
            List<String> refusals = new ArrayList<>(admission.admission(bundle));
            if (resolved) {
                resolverGate.wiringViolations(bundle).forEach(violation -> admission.wiringRefused(bundle, violation));
                refusals.addAll(admission.wiringRefusals(bundle));
            }
            if (resolved && refusals.isEmpty() && keptDown.keptDown(bundle)) {
                start.add(bundle); // refused while it required nothing (KeptDown): admitted now
            } else if (resolved && (!refusals.isEmpty() || visibilityChanged)) {
                refresh.add(bundle);
            } else if (bundle.getState() == Bundle.INSTALLED && refusals.isEmpty() && persistentlyStarted(bundle)) {
                start.add(bundle);
            }
        }
        // a start runs the plugin's code (its activator, its components' @Activate), which may never return: on a
        // thread of its own, never on the worker (nor on the framework's refresh thread, which calls back when done)
        Runnable starter = () -> {
            if (start.isEmpty() || !PluginStops.apart("carehost-policy-start", () -> {
                try {
                    start.forEach(this::startQuietly);
                } finally {
                    applied.complete(null);
                }
            }, logger)) {
                applied.complete(null);
            }
        };
        if (refresh.isEmpty()) {
            starter.run();
        } else {
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(refresh,
                    done -> worker.execute(starter));
        }
    }

    private void startQuietly(Bundle bundle) {
        try {
            if (bundle.getState() != Bundle.UNINSTALLED && bundle.getState() != Bundle.ACTIVE) {
                bundle.start();
            }
        } catch (BundleException | IllegalStateException e) {
            logger.info("Plugin {} not started after the policy change: {}", bundle.getSymbolicName(), e.getMessage());
        }
    }

    private static boolean persistentlyStarted(Bundle bundle) {
        try {
            return bundle.adapt(BundleStartLevel.class).isPersistentlyStarted();
        } catch (RuntimeException uninstalled) {
            return false;
        }
    }
}
