package org.carehost.plugins.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.carehost.sdk.plugin.PluginEvents;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.carehost.security.SecurityAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Posts {@code carehost/plugin/*} events on Event Admin, and logs them, whenever a plugin's lifecycle
 * changes. A plugin that fails gets a FAILED event with the reason in plain words, once per distinct reason,
 * decided from the framework's and SCR's state, never from how long ago something happened:
 * <ul>
 * <li>a resolve that failed: the framework tried to resolve a plugin that is meant to run (started, its start
 * level reached) and, asked again once that attempt is over, answers that it cannot (or the security manager
 * refuses it); a plugin only waiting for its start level is not failed;
 * <li>an activate that threw: SCR's FAILED_ACTIVATION state, looked at when the plugin has started and when SCR
 * logs an error for it;
 * <li>a component still unsatisfied {@code carehost.plugin.unsatisfiedSeconds} (default 30) after its plugin
 * started: the stated bound for a missing service or configuration;
 * <li>a framework ERROR event for a plugin; a deploy-folder file that cannot become a plugin.
 * </ul>
 * Each FAILED is one log line naming the plugin, the reason and {@code plugin:why}; {@link FailureReports} keeps the
 * framework's and the deploy watcher's lines about the same failure off the console while this runs (its service).
 */
@Component(immediate = true, service = LifecycleEvents.class, configurationPid = PluginsConfiguration.PID)
@org.osgi.service.metatype.annotations.Designate(ocd = PluginsConfiguration.class)
public final class LifecycleEvents implements BundleListener, FrameworkListener {

    /** How long a started plugin's component may stay unsatisfied before it is reported as FAILED. */
    static final String UNSATISFIED_SECONDS_PROPERTY = "carehost.plugin.unsatisfiedSeconds";
    private static final long DEPLOY_SCAN_SECONDS = 2;

    private final BundleContext context;
    private final Logger log;
    private final PluginBundles bundles;
    private final Diagnosis diagnosis;
    private final ComponentStates components;
    private final ActivationFailures failures;
    private final Consumer<Bundle> activationError = this::activationError;
    private final ActivatorThrows activatorThrows;
    private final HeldThreads heldThreads = new HeldThreads();
    private final ResolveAttempts resolveAttempts = new ResolveAttempts(this::resolveAttempted);
    private final ServiceRegistration<ResolverHookFactory> resolveHook;
    private final long unsatisfiedSeconds;
    private volatile long heldSeconds;
    private final HeldReports held;
    private final Map<Long, PluginIdentity> known = new ConcurrentHashMap<>();
    private final LifecyclePosts posts;
    private final Map<Long, ScheduledFuture<?>> unsatisfiedChecks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(null, runnable, "carehost-plugin-health", 0, false);
        thread.setDaemon(true);
        return thread;
    });

    /** Optional: a plugin the security manager refuses is reported as failed with its reasons. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SecurityAdmin security;

    @Activate
    public LifecycleEvents(PluginsConfiguration configuration, BundleContext context, @Reference EventAdmin eventAdmin,
            @Reference ServiceComponentRuntime scr,
            @Reference ActivationFailures failures, @Reference(service = LoggerFactory.class) Logger log) {
        this.context = context;
        this.log = log;
        this.posts = new LifecyclePosts(eventAdmin, log);
        this.bundles = new PluginBundles(context);
        this.failures = failures;
        this.components = new ComponentStates(scr, failures, () -> security);
        this.diagnosis = new Diagnosis(context, bundles, components, () -> security);
        this.unsatisfiedSeconds = Long.getLong(UNSATISFIED_SECONDS_PROPERTY, 30);
        this.heldSeconds = configuration.heldSeconds();
        this.held = new HeldReports(context, new HeldLifecycle(bundles, components, heldThreads), posts,
                () -> security, log);
        context.addBundleListener(heldThreads); // synchronous: told on the thread that runs each start and stop
        this.activatorThrows = new ActivatorThrows(bundles, this::activatorThrew);
        context.addBundleListener(this);
        context.addBundleListener(activatorThrows);
        context.addFrameworkListener(this);
        failures.addListener(activationError);
        this.resolveHook = context.registerService(ResolverHookFactory.class, resolveAttempts, null);
        for (Bundle bundle : bundles.plugins()) {
            known.put(bundle.getBundleId(), PluginIdentity.of(bundle));
            checker.execute(() -> checkNow(bundle));
        }
        DeployFolderScan scan = new DeployFolderScan(bundles, diagnosis, log, (file, problem) -> posts.failed(file.toString(),
                PluginIdentity.ofFile(file), problem));
        checker.scheduleWithFixedDelay(scan::scan, DEPLOY_SCAN_SECONDS, DEPLOY_SCAN_SECONDS,
                TimeUnit.SECONDS);
        checker.scheduleWithFixedDelay(() -> held.check(heldSeconds), 1, 1, TimeUnit.SECONDS);
    }

    @org.osgi.service.component.annotations.Modified
    void modified(PluginsConfiguration configuration) {
        this.heldSeconds = configuration.heldSeconds();
    }

    /** Plugins held past the bound now ({@link HeldLifecycle}), in words: what keeps the container from being ready. */
    public List<String> held() {
        return held.stillHeld();
    }


    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
        context.removeBundleListener(activatorThrows);
        context.removeBundleListener(heldThreads);
        context.removeFrameworkListener(this);
        failures.removeListener(activationError);
        resolveHook.unregister();
        checker.shutdownNow();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        String topic = topicOf(event.getType());
        if (topic == null) {
            return;
        }
        PluginIdentity identity;
        if (event.getType() == BundleEvent.UNINSTALLED) {
            identity = known.remove(bundle.getBundleId());
            posts.forget(bundle.getBundleId());
            failures.forget(bundle);
            cancelUnsatisfiedCheck(bundle);
            if (identity == null) {
                return;
            }
        } else {
            if (!bundles.isPlugin(bundle)) {
                return;
            }
            identity = PluginIdentity.of(bundle);
            known.put(bundle.getBundleId(), identity);
            posts.lifecycle(bundle.getBundleId(), event.getType());
        }
        posts.post(topic, identity, null);
        cancelUnsatisfiedCheck(bundle);
        if (event.getType() == BundleEvent.STOPPED && wiredToNothing(bundle)) {
            // a refused plugin that requires nothing, stopped by the security manager as it started: reported now,
            // whichever state the check after its STARTED found it in. Only such a plugin: every update stops its
            // plugin, and asking the security manager about a plugin in the middle of its update is not needed
            checker.execute(() -> checkActivation(bundle));
        }
        if (event.getType() == BundleEvent.STARTED) {
            // SCR activates immediate components while the bundle starts, before this (asynchronous) event.
            checker.execute(() -> checkActivation(bundle));
            unsatisfiedChecks.put(bundle.getBundleId(), checker.schedule(() -> checkUnsatisfied(bundle),
                    unsatisfiedSeconds, TimeUnit.SECONDS));
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        Bundle bundle = event.getBundle();
        if (event.getType() == FrameworkEvent.ERROR && bundle != null && bundles.isPlugin(bundle)) {
            Throwable error = event.getThrowable();
            // On the checker's thread, after any resolve check of the same plugin: one reason, whichever path saw it.
            checker.execute(() -> frameworkError(bundle, error));
        }
    }

    /**
     * A framework error about a plugin, in the words the resolve check uses: a plugin the security manager refuses
     * cannot resolve, so the framework's start of it at a warm start fails too, and is reported with the refusal (not
     * the framework's missing requirement as well); one that cannot resolve, with what it misses.
     */
    private void frameworkError(Bundle bundle, Throwable error) {
        try {
            String reason = null;
            if (bundle.getState() == Bundle.INSTALLED) {
                List<String> refusals = diagnosis.securityRefusals(bundle);
                reason = !refusals.isEmpty() ? Diagnosis.refusal(refusals) : diagnosis.unresolvedReason(bundle);
            }
            if (reason == null) {
                reason = error == null ? "framework error" : String.valueOf(error.getMessage());
            }
            posts.failed(bundle.getBundleId(), PluginIdentity.of(bundle), reason);
        } catch (RuntimeException e) {
            // the framework's own line went to the log file only (FailureReports): say it here, where it is seen
            log.warn("Framework error of plugin {} ({}) could not be reported as FAILED: {}; see the log file",
                    bundle.getSymbolicName(), bundle.getBundleId(), e.toString());
        }
    }

    /** At the end of a resolve operation: its trigger bundles, checked once the operation is over. */
    private void resolveAttempted(List<Bundle> triggers) {
        for (Bundle bundle : triggers) {
            if (bundles.isPlugin(bundle)) {
                checker.execute(() -> checkResolved(bundle));
            }
        }
    }

    /**
     * A plugin the framework tried to resolve, and that is meant to run: resolving it again waits for the attempt
     * to be over (the framework's global lock) and answers whether it can resolve now. Refused by the security
     * manager, or not resolvable, it failed.
     */
    private void checkResolved(Bundle bundle) {
        try {
            if (bundle.getState() != Bundle.INSTALLED || !meantToRun(bundle)) {
                return;
            }
            List<String> refusals = diagnosis.securityRefusals(bundle);
            if (!refusals.isEmpty()) {
                posts.failed(bundle.getBundleId(), PluginIdentity.of(bundle), Diagnosis.refusal(refusals));
                return;
            }
            FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
            if (!resolveAttempts.quietly(() -> wiring.resolveBundles(List.of(bundle)))) {
                posts.failed(bundle.getBundleId(), PluginIdentity.of(bundle), diagnosis.unresolvedReason(bundle));
            }
        } catch (RuntimeException e) {
            log.debug("Resolve check of bundle {} skipped: {}", bundle.getBundleId(), e.toString());
        }
    }

    /** Started (persistently) and its start level reached: the framework means it to be active. */
    private boolean meantToRun(Bundle bundle) {
        BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
        int active = context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
        return level.isPersistentlyStarted() && level.getStartLevel() <= active;
    }

    /** When this component starts: what its plugins' states say already (a restart of this component). */
    private void checkNow(Bundle bundle) {
        checkResolved(bundle);
        checkActivation(bundle); // ACTIVE, or RESOLVED: a refused plugin the security manager stopped as it started
        if (bundle.getState() == Bundle.ACTIVE) {
            checkUnsatisfied(bundle);
        }
    }

    private void activationError(Bundle bundle) {
        if (bundles.isPlugin(bundle)) {
            checker.execute(() -> checkActivation(bundle));
        }
    }

    /** A security refusal, or components whose activate threw (SCR's FAILED_ACTIVATION state). */
    private void checkActivation(Bundle bundle) {
        try {
            int state = bundle.getState();
            if (state != Bundle.ACTIVE && state != Bundle.RESOLVED) {
                return;
            }
            List<String> refusals = diagnosis.securityRefusals(bundle);
            if (state == Bundle.RESOLVED) {
                // a refused plugin that requires nothing: the security manager stops it as it starts (KeptDown), so
                // it is RESOLVED by the time this looks
                if (!refusals.isEmpty()) {
                    posts.failed(bundle.getBundleId(), PluginIdentity.of(bundle), Diagnosis.refusal(refusals));
                }
                return;
            }
            List<String> failed = refusals.isEmpty()
                    ? components.failedActivations(bundle).stream().map(ComponentStates.Problem::sentence).toList()
                    : List.of(Diagnosis.refusal(refusals));
            if (!failed.isEmpty()) {
                posts.failed(bundle.getBundleId(), PluginIdentity.of(bundle), String.join(" ", failed));
            }
        } catch (RuntimeException e) {
            log.debug("Activation check of bundle {} skipped: {}", bundle.getBundleId(), e.toString());
        }
    }

    /** Components still unsatisfied the stated bound after their plugin started. */
    private void checkUnsatisfied(Bundle bundle) {
        unsatisfiedChecks.remove(bundle.getBundleId());
        try {
            if (bundle.getState() != Bundle.ACTIVE) {
                return;
            }
            List<String> waiting = components.unsatisfied(bundle).stream().map(ComponentStates.Problem::sentence)
                    .toList();
            if (!waiting.isEmpty()) {
                posts.failed(bundle.getBundleId(), PluginIdentity.of(bundle), "unsatisfied " + unsatisfiedSeconds
                        + " s after it started: " + String.join(" ", waiting));
            }
        } catch (RuntimeException e) {
            log.debug("Unsatisfied check of bundle {} skipped: {}", bundle.getBundleId(), e.toString());
        }
    }

    private void cancelUnsatisfiedCheck(Bundle bundle) {
        ScheduledFuture<?> pending = unsatisfiedChecks.remove(bundle.getBundleId());
        if (pending != null) {
            pending.cancel(false);
        }
    }

    /** Called on the thread that started the plugin ({@link ActivatorThrows}): the report is made on the checker's. */
    private void activatorThrew(Bundle bundle) {
        PluginIdentity identity = PluginIdentity.of(bundle);
        String activator = bundle.getHeaders("").get(org.osgi.framework.Constants.BUNDLE_ACTIVATOR);
        // no activator: the framework's own start failed between STARTING and STARTED (red team 14 saw
        // "its Bundle-Activator null threw")
        String what = activator == null ? "its start failed in the framework (it has no Bundle-Activator)"
                : "its Bundle-Activator " + activator + " threw when it was started";
        checker.execute(() -> posts.failed(bundle.getBundleId(), identity, what
                + "; the exception is in the log file (data/log/carehost.log)"));
    }

    /** Whether the plugin is resolved with no wire to anything: the only way a refused plugin resolves. */
    private static boolean wiredToNothing(Bundle bundle) {
        org.osgi.framework.wiring.BundleWiring wiring = bundle.adapt(org.osgi.framework.wiring.BundleWiring.class);
        return wiring != null && wiring.getRequiredWires(null).isEmpty();
    }

    private static String topicOf(int type) {
        switch (type) {
            case BundleEvent.INSTALLED: return PluginEvents.INSTALLED;
            case BundleEvent.RESOLVED: return PluginEvents.RESOLVED;
            case BundleEvent.STARTED: return PluginEvents.STARTED;
            case BundleEvent.STOPPED: return PluginEvents.STOPPED;
            case BundleEvent.UPDATED: return PluginEvents.UPDATED;
            case BundleEvent.UNINSTALLED: return PluginEvents.UNINSTALLED;
            default: return null;
        }
    }

}
