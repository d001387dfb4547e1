package org.carehost.wasm.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.carehost.security.PermissionGuard;
import org.carehost.security.PluginDeputy;
import org.carehost.security.PluginLimits;
import org.carehost.security.SecurityAdmin;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;

/**
 * The extender of WebAssembly plugins: watches for active plugin bundles with a {@code Carehost-Wasm} header, checks
 * each module's imports against the plugin's grants ({@link ImportCheck}; a refused module quarantines its plugin,
 * and {@code plugin:why} names the import and the permission), makes it callable ({@link WasmPlugin}) and registers
 * its kind's service in the plugin's own name ({@link KindServices}). When the bundle stops or is replaced, calls in
 * flight finish on the old instances; the replacement is tracked anew.
 */
@Component(immediate = true, service = WasmExtender.class, configurationPid = "org.carehost.wasm")
@Designate(ocd = WasmConfig.class)
public final class WasmExtender implements BundleTrackerCustomizer<WasmExtender.Tracked> {

    /** What one tracked bundle runs: its modules, its services, and the registrations made in its name. */
    static final class Tracked {
        final List<WasmPlugin> modules = new ArrayList<>();
        final List<ServiceRegistration<?>> registrations = new ArrayList<>();
        PluginServices services;
        /** Set when the bundle is dropped: the warmer registers no kind service after that. */
        boolean closed;
    }

    private final PermissionGuard guard;
    private final SecurityAdmin security;
    private final PluginLimits limits;
    private final LoggerFactory loggers;
    private final Logger logger;
    private final WasmConfig config;
    private final ModuleLoader loader;
    private final CompiledModules compiled;
    private final GuestReach reach;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "carehost-wasm-deadlines"));
    /**
     * Makes each plugin's first instance in the background, a few at a time: a start with many plugins is warm sooner
     * than one after another, without taking every core from the rest of the start.
     */
    private final ExecutorService warmer = Executors.newFixedThreadPool(WARMING_THREADS,
            r -> daemon(r, "carehost-wasm-warm"));
    private final Map<Long, Tracked> tracked = new ConcurrentHashMap<>();
    private final BundleTracker<Tracked> tracker;
    /** Guards {@link #trackerOpen} and {@link #deactivated}: the tracker is opened off the activation's thread. */
    private final Object openState = new Object();
    private boolean trackerOpen;
    private boolean deactivated;
    private final BundleContext context;
    /** Notified whenever a plugin is tracked or dropped: callers waiting out a hot reload look again. */
    private final Object swaps = new Object();

    /** Threads making first instances: one per core, at most four. */
    static final int WARMING_THREADS = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 4));

    /** How long a call waits for the new revision of a plugin being replaced. */
    static final long SWAP_WAIT_MILLIS = 10_000;

    @Activate
    public WasmExtender(BundleContext context, WasmConfig config, @Reference PermissionGuard guard,
            @Reference SecurityAdmin security, @Reference PluginLimits limits, @Reference LoggerFactory loggers,
            @Reference PluginDeputy deputy) {
        this.limits = limits;
        this.reach = new GuestReach(deputy);
        this.context = context;
        this.guard = guard;
        this.security = security;
        this.loggers = loggers;
        this.logger = loggers.getLogger(WasmExtender.class, Logger.class);
        this.config = config;
        java.io.File folder = config.keepCompiledModules() ? context.getDataFile("compiled-modules") : null;
        this.compiled = new CompiledModules(folder == null ? null : folder.toPath(),
                context.getBundle().getHeaders("").get("Carehost-Chicory-Version"),
                config.compiledModulesMemoryMiB() * 1024L * 1024L);
        this.loader = new ModuleLoader(config, compiled);
        this.tracker = new BundleTracker<>(context, Bundle.ACTIVE, this);
        // The plugins already active are taken in on a thread of their own, not in this activation: loading a hundred
        // modules here held Declarative Services' lock on this component past its timeout (a reactivation for a changed
        // etc/org.carehost.wasm.cfg, say), and the components that need it (wasm:list) then stayed unsatisfied. Plugins
        // started later come through the tracker's listener as before; calls wait for a plugin not yet tracked (find).
        Thread opening = new Thread(this::openTracker, "carehost-wasm-track");
        opening.setDaemon(true);
        opening.start();
    }

    /** Opens the tracker, and closes it again if this extender was deactivated meanwhile. */
    private void openTracker() {
        tracker.open();
        boolean deactivated;
        synchronized (openState) {
            trackerOpen = true;
            deactivated = this.deactivated;
        }
        if (deactivated) {
            tracker.close();
        }
    }

    @Deactivate
    void deactivate() {
        boolean open;
        synchronized (openState) {
            deactivated = true;
            open = trackerOpen;
        }
        // Not opened yet: openTracker() closes it once open. Open: close() also stops the taking in, and a bundle
        // being taken in meanwhile is handed to removedBundle by the tracker.
        if (open) {
            tracker.close();
        }
        timers.shutdownNow();
        warmer.shutdownNow();
        reach.close();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(null, r, name, 0, false);
        thread.setDaemon(true);
        return thread;
    }

    /** The running WebAssembly modules, in the order their bundles were tracked. */
    Collection<WasmPlugin> plugins() {
        List<WasmPlugin> all = new ArrayList<>();
        tracked.values().forEach(t -> all.addAll(t.modules));
        all.sort(java.util.Comparator.comparingLong(p -> p.bundle().getBundleId()));
        return all;
    }

    /**
     * The module of the plugin named by symbolic name or bundle id that exports {@code function} (or the first). While
     * the plugin is between two revisions (its jar replaced: the old bundle stopped, the new one not yet tracked), waits
     * for the new one, up to {@link #SWAP_WAIT_MILLIS}: a call made during a hot reload goes to the new module.
     */
    WasmPlugin find(String plugin, String function) {
        long deadline = System.nanoTime() + SWAP_WAIT_MILLIS * 1_000_000L;
        synchronized (swaps) {
            while (true) {
                WasmPlugin found = lookUp(plugin, function);
                if (found != null) {
                    return found;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (!betweenRevisions(plugin) || left <= 0) {
                    throw new WasmCallException(WasmCallException.Kind.NO_PLUGIN, "No running WebAssembly plugin is "
                            + "named '" + plugin + "'; wasm:list shows them, plugin:why " + plugin
                            + " says why one is not running.");
                }
                try {
                    swaps.wait(Math.min(left, 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new WasmCallException(WasmCallException.Kind.NO_PLUGIN, "interrupted while " + plugin
                            + " was being replaced");
                }
            }
        }
    }

    private WasmPlugin lookUp(String plugin, String function) {
        WasmPlugin first = null;
        for (WasmPlugin candidate : plugins()) {
            Bundle bundle = candidate.bundle();
            if (!candidate.closed() && (plugin.equals(bundle.getSymbolicName())
                    || plugin.equals(Long.toString(bundle.getBundleId())))) {
                if (function == null || candidate.exports().contains(function)) {
                    return candidate;
                }
                first = first == null ? candidate : first;
            }
        }
        return first;
    }

    /** A WebAssembly plugin of that name is meant to run (persistently started) but is not tracked now. */
    private boolean betweenRevisions(String plugin) {
        for (Bundle bundle : context.getBundles()) {
            if ((plugin.equals(bundle.getSymbolicName()) || plugin.equals(Long.toString(bundle.getBundleId())))
                    && bundle.getHeaders("").get(WasmDescriptor.HEADER) != null
                    && !security.refusals(bundle).stream().anyMatch(r -> r.startsWith("quarantined"))) {
                try {
                    if (bundle.adapt(org.osgi.framework.startlevel.BundleStartLevel.class).isPersistentlyStarted()
                            && bundle.getState() != Bundle.UNINSTALLED) {
                        return true;
                    }
                } catch (RuntimeException uninstalled) {
                    return false;
                }
            }
        }
        return false;
    }

    private void swapped() {
        synchronized (swaps) {
            swaps.notifyAll();
        }
    }

    @Override
    public Tracked addingBundle(Bundle bundle, BundleEvent event) {
        String header = bundle.getHeaders("").get(WasmDescriptor.HEADER);
        if (header == null || !guard.isPlugin(bundle)) {
            return null;
        }
        Logger log = loggers.getLogger(bundle, "wasm." + bundle.getSymbolicName(), Logger.class);
        Tracked result = new Tracked();
        try {
            result.services = new PluginServices(bundle.getBundleContext());
            for (WasmDescriptor descriptor : WasmDescriptor.parse(header)) {
                WasmPlugin plugin = loader.load(bundle, descriptor, guard.grantsOf(bundle), result.services, log,
                        timers, security::quarantine, limits, reach);
                result.modules.add(plugin);
            }
        } catch (ModuleLoader.Refused e) {
            close(result);
            logger.warn("WebAssembly plugin {} refused: {}", bundle.getSymbolicName(), e.getMessage());
            security.quarantine(bundle, e.getMessage());
            return null;
        } catch (IllegalArgumentException | IllegalStateException e) {
            close(result);
            logger.warn("WebAssembly plugin {} cannot run: {}", bundle.getSymbolicName(), e.getMessage());
            security.quarantine(bundle, "run a WebAssembly module it does not carry correctly: " + e.getMessage());
            return null;
        }
        tracked.put(bundle.getBundleId(), result);
        swapped();
        // The kind's service (a Validator, say) is registered once the module's first instance is made (compiled), so
        // that the host's first call to it does not spend its deadline on the compiler.
        try {
            warm(bundle, result, log);
        } catch (java.util.concurrent.RejectedExecutionException deactivating) {
            // this extender is being deactivated (its configuration changed) while the framework delivers an event:
            // its successor tracks the bundle
            tracked.remove(bundle.getBundleId(), result);
            close(result);
            return null;
        }
        logger.info("WebAssembly plugin {} {} running: {}", bundle.getSymbolicName(), bundle.getVersion(),
                result.modules.stream().map(m -> m.descriptor().path() + " (" + m.descriptor().kind().id() + ", "
                        + m.limits() + ")").toList());
        return result;
    }

    /** Makes each module's first instance on the warming threads, then registers its kind's service. */
    private void warm(Bundle bundle, Tracked result, Logger log) {
        result.modules.forEach(module -> warmer.execute(() -> {
            try {
                module.compile();
            } catch (IllegalArgumentException uncompilable) {
                tracked.remove(bundle.getBundleId(), result);
                close(result);
                swapped();
                logger.warn("WebAssembly plugin {} cannot run: {}", bundle.getSymbolicName(), uncompilable.getMessage());
                security.quarantine(bundle, "run a WebAssembly module it does not carry correctly: "
                        + uncompilable.getMessage());
                return;
            }
            module.warm();
            synchronized (result) {
                if (!result.closed && !module.closed()) {
                    try {
                        result.registrations.addAll(KindServices.register(module, bundle.getBundleContext(), log));
                    } catch (IllegalStateException stopping) {
                        // the bundle stopped meanwhile: the tracker drops it
                    }
                }
            }
        }));
    }

    @Override
    public void modifiedBundle(Bundle bundle, BundleEvent event, Tracked object) {
        // nothing: a new revision stops the bundle first
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, Tracked object) {
        tracked.remove(bundle.getBundleId(), object);
        close(object);
        swapped();
    }

    private static void close(Tracked object) {
        synchronized (object) {
            object.closed = true;
            for (ServiceRegistration<?> registration : object.registrations) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // unregistered with the bundle
                }
            }
            object.registrations.clear();
        }
        object.modules.forEach(WasmPlugin::close);
        if (object.services != null) {
            object.services.close();
        }
    }
}
