package org.carehost.http.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.clock.ContainerClock;
import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginOrigin;
import org.carehost.sdk.event.SecurityEvents;
import org.carehost.store.Store;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Installs the uploaded plugins the store keeps and this node lacks (after a restart with a fresh framework cache, or
 * uploaded on another node sharing the database), once the framework has started and then every
 * {@code uploadPollSeconds} (etc/org.carehost.http.cfg) while it runs, through the plugin manager's checks: each look
 * compares the store's rows and tombstones (no jar read) with the bundles installed here, so a missed look only delays.
 * <p>
 * An uninstall lasts. When an uploaded bundle is uninstalled here, its location is marked uninstalled at once (in the
 * synchronous bundle listener, on the uninstaller's thread) and, on this component's one worker thread, which also
 * runs the looks, its row is deleted and a tombstone naming the upload is written ({@link UploadStore#forget}): a look
 * never installs a location marked so, and the mark is dropped only after the row is gone, so a look that read the
 * rows before the uninstall cannot install the plugin again. Whether a location is installed is this listener's own
 * record ({@code present}, updated by the same events), not the framework's map: the framework drops a bundle from its
 * map before it tells the listeners. A restore's own rollback (a refused install undone) is neither marked nor
 * forgotten: its row stays.
 * <p>
 * An uninstall spreads, and only by its tombstone: a look uninstalls here an uploaded bundle when the store holds a
 * tombstone for the very upload this installation came from ({@link HeldUploads}, {@link UploadLook}). A row's
 * absence uninstalls nothing: a store that lost rows (the JDBC URL pointed at another database, a restore from an
 * older backup, a replica behind) would otherwise read as "everything uninstalled"; such a plugin stays, with one
 * warning. What a node holds is kept in the bundle's data area, so a node that was down while the plugin was
 * uninstalled elsewhere uninstalls its copy at its first look after it starts. A jar uninstalled here and uploaded
 * again is another installation (bundle id) of another upload (upload id): no tombstone of the earlier one applies to
 * it, whenever a look runs.
 * <p>
 * An upload whose restore was refused is tried again when its rows change, when a bundle is installed, updated or
 * uninstalled here, or when the security policy changes ({@link SecurityEvents#POLICY_CHANGED}: a grant) — what could
 * have been missing — and not at every look (so a refusal is logged once per change).
 */
@Component(immediate = true, service = EventHandler.class, configurationPid = "org.carehost.http",
        property = EventConstants.EVENT_TOPIC + "=" + SecurityEvents.POLICY_CHANGED)
public final class UploadRestore implements SynchronousBundleListener, FrameworkListener, EventHandler {

    private final BundleContext context;
    private final PluginManager plugins;
    private final UploadStore stored;
    private final Clock clock;
    private final Logger log;
    /** Locations this component is installing or uninstalling itself (their events on its thread are its own). */
    private final Set<String> restoring = ConcurrentHashMap.newKeySet();
    /** Uploads (by their missing jars' locations) whose restore was refused: not tried again as they are. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** Upload locations installed here (guarded by itself). */
    private final Set<String> present = new HashSet<>();
    /** Upload locations uninstalled here whose row is not yet deleted (guarded by {@link #present}). */
    private final Set<String> uninstalled = new HashSet<>();
    /** Locations the store knows nothing of, already warned about (the worker's only). */
    private final Set<String> warnedUnknown = new HashSet<>();
    /** Which upload each uploaded bundle here came from (across restarts). */
    private final HeldUploads held;
    /** The worker's thread: an event on it for a location in {@link #restoring} is this component's own doing. */
    private volatile Thread workerThread;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(work -> {
        Thread thread = new Thread(work, "carehost-upload-restore");
        thread.setDaemon(true);
        workerThread = thread;
        return thread;
    });

    @Activate
    public UploadRestore(BundleContext context, @Reference PluginManager plugins, @Reference Store store,
            @Reference(service = LoggerFactory.class) Logger log, @Reference HeldUploads held,
            @Reference(target = ContainerClock.TARGET) Clock clock, UploadConfiguration configuration) {
        this.context = context;
        this.held = held;
        this.plugins = plugins;
        this.stored = new UploadStore(store);
        this.clock = clock;
        this.log = log;
        context.addBundleListener(this);
        synchronized (present) {
            for (Bundle bundle : context.getBundles()) {
                if (bundle.getLocation().startsWith(PluginOrigin.UPLOAD_LOCATION_PREFIX)
                        && bundle.getState() != Bundle.UNINSTALLED) {
                    present.add(bundle.getLocation());
                }
            }
        }
        context.addFrameworkListener(this);
        if (context.getBundle(0).getState() == Bundle.ACTIVE) {
            worker.execute(this::look);
        }
        int every = configuration.uploadPollSeconds();
        if (every > 0) {
            worker.scheduleWithFixedDelay(() -> {
                if (context.getBundle(0).getState() == Bundle.ACTIVE) {
                    look();
                }
            }, every, every, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(this);
        context.removeBundleListener(this);
        worker.shutdownNow();
    }

    @Override
    public void handleEvent(Event event) {
        refused.clear(); // a grant may be what a refused upload lacked
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            worker.execute(this::look);
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        String location = event.getBundle().getLocation();
        // an operator's uninstall of a bundle a look is installing right now is the operator's, not a rollback
        boolean own = Thread.currentThread() == workerThread && restoring.contains(location);
        if (!own && (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UPDATED
                || event.getType() == BundleEvent.UNINSTALLED)) {
            refused.clear(); // a library a refused upload lacked may have come (or a clash gone)
        }
        if (!location.startsWith(PluginOrigin.UPLOAD_LOCATION_PREFIX)) {
            return;
        }
        if (event.getType() == BundleEvent.INSTALLED) {
            synchronized (present) {
                present.add(location);
            }
        } else if (event.getType() == BundleEvent.UNINSTALLED) {
            synchronized (present) {
                present.remove(location);
                if (!own) {
                    uninstalled.add(location);
                }
            }
            if (!own) {
                HeldUploads.Held record = held.now().get(location);
                HeldUploads.Held mine = record != null && record.bundleId() == event.getBundle().getBundleId()
                        ? record : null;
                worker.execute(() -> forget(location, event.getBundle().getSymbolicName(), mine));
            }
        }
    }

    /**
     * Deletes an uninstalled upload's row and writes its tombstone, then drops its mark and record (on the worker: no
     * look runs meanwhile).
     */
    private void forget(String location, String name, HeldUploads.Held record) {
        try {
            if (stored.forget(location, record == null ? null : record.uploadId(), clock.instant())) {
                log.info("Uploaded plugin {} ({}) uninstalled: its jar is no longer kept in the store", name, location);
            }
            held.remove(location, record);
            synchronized (present) {
                uninstalled.remove(location);
            }
        } catch (Exception e) {
            log.error("Uploaded plugin {} ({}) was uninstalled, but its jar could not be removed from the store ({}): "
                    + "this node does not install it again while it runs, but a node that starts will", name,
                    location, e.getMessage());
        }
    }

    /** A look on the worker, after what is queued there now (the tests drive looks with it). */
    Future<?> lookNow() {
        return worker.submit(this::look);
    }

    /** One look: the decisions of {@link UploadLook} carried out, then the uploads this node lacks installed. */
    private void look() {
        Map<String, HeldUploads.Held> records = held.now();
        Map<String, List<UploadStore.Stored>> uploads;
        Set<UploadStore.Removal> removed;
        try {
            uploads = stored.all();
            removed = stored.removed();
        } catch (Exception e) {
            log.error("Uploaded plugins not restored: the store did not answer ({})", e.getMessage());
            return;
        }
        Map<String, String> rows = new HashMap<>();
        uploads.values().forEach(upload -> upload.forEach(jar -> rows.put(jar.location(), jar.uploadId())));
        Map<String, Long> installed = new HashMap<>();
        synchronized (present) {
            for (String location : present) {
                Bundle bundle = context.getBundle(location);
                // Not one uninstalled here whose row is still being deleted: that row (read before) is not the upload
                // of a bundle installed there again since, and must not be recorded as its upload.
                if (bundle != null && !uninstalled.contains(location)) {
                    installed.put(location, bundle.getBundleId());
                }
            }
        }
        UploadLook.Plan plan = UploadLook.decide(installed, records, rows, removed);
        plan.uninstall().forEach(location -> uninstallRemoved(location, records.get(location)));
        held.put(plan.adopt());
        warnUnknown(plan.unknown());
        for (List<UploadStore.Stored> upload : uploads.values()) {
            List<UploadStore.Stored> missing;
            synchronized (present) {
                if (upload.stream().anyMatch(jar -> uninstalled.contains(jar.location()))) {
                    continue; // uninstalled here: its row is being deleted
                }
                missing = upload.stream().filter(jar -> !present.contains(jar.location())
                        && !removed.contains(new UploadStore.Removal(jar.location(), jar.uploadId()))).toList();
            }
            if (!missing.isEmpty() && !refused.contains(key(missing))) {
                restore(missing);
            }
        }
        synchronized (present) {
            records.forEach((location, record) -> {
                if (!present.contains(location) && !uninstalled.contains(location)) {
                    held.remove(location, record); // not here any more: nothing left to decide
                }
            });
        }
    }

    /** Uninstalls here an uploaded bundle whose upload was uninstalled on another node (its tombstone is kept). */
    private void uninstallRemoved(String location, HeldUploads.Held record) {
        Bundle bundle = context.getBundle(location);
        if (bundle == null) {
            return;
        }
        restoring.add(location);
        try {
            plugins.uninstall(String.valueOf(bundle.getBundleId()));
            held.remove(location, record);
            log.info("Uploaded plugin {} ({}) uninstalled: it was uninstalled on another node (the store records the "
                    + "removal of upload {})", bundle.getSymbolicName(), location, record.uploadId());
        } catch (Exception e) {
            log.error("Uploaded plugin {} ({}) was uninstalled on another node but not here: {}",
                    bundle.getSymbolicName(), location, e.getMessage());
        } finally {
            restoring.remove(location);
        }
    }

    /** One warning per location the store stops knowing (again after it knew it again). */
    private void warnUnknown(List<String> unknown) {
        warnedUnknown.retainAll(unknown);
        for (String location : unknown) {
            Bundle bundle = context.getBundle(location);
            if (bundle != null && warnedUnknown.add(location)) {
                log.warn("Uploaded plugin {} {} ({}) is installed here, but the store knows neither its jar nor its "
                        + "removal: it stays installed, with its data. Check that this node's database (the JDBC URL, "
                        + "etc/org.carehost.store.cfg) is the one the other nodes share and is up to date; to keep the "
                        + "plugin in the store, upload it again; to remove it, plugin:uninstall it here",
                        bundle.getSymbolicName(), bundle.getVersion(), location);
            }
        }
    }

    private static String key(List<UploadStore.Stored> missing) {
        return missing.stream().map(UploadStore.Stored::location).toList().toString();
    }

    private void restore(List<UploadStore.Stored> missing) {
        UploadStore.Stored plugin = missing.get(missing.size() - 1);
        Path folder = null;
        try {
            folder = Files.createTempDirectory(context.getDataFile("").toPath(), "restore");
            List<PluginArtifact> artifacts = new ArrayList<>();
            for (UploadStore.Stored jar : missing) {
                Path file = folder.resolve(jar.position() + ".jar");
                if (stored.copy(jar.location(), file)) {
                    artifacts.add(new PluginArtifact(jar.location(), file));
                    restoring.add(jar.location());
                }
            }
            Map<String, HeldUploads.Held> records = new HashMap<>();
            for (PluginInfo info : plugins.installAll(artifacts)) {
                missing.stream().filter(jar -> jar.location().equals(info.location())).findFirst()
                        .ifPresent(jar -> records.put(jar.location(), new HeldUploads.Held(jar.uploadId(), info.id())));
            }
            held.put(records);
            log.info("Uploaded plugin {} {} (uploaded by {} at {}) installed again from the store",
                    plugin.symbolicName(), plugin.version(), plugin.uploadedBy(), plugin.uploadedAt());
        } catch (PluginException e) {
            refused.add(key(missing));
            log.error("Uploaded plugin {} {} not installed again from the store: {}", plugin.symbolicName(),
                    plugin.version(), e.getMessage());
        } catch (Exception e) {
            log.error("Uploaded plugin {} {} not installed again from the store: {}", plugin.symbolicName(),
                    plugin.version(), e.toString());
        } finally {
            missing.forEach(jar -> restoring.remove(jar.location()));
            if (folder != null) {
                try (var files = Files.walk(folder)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                } catch (java.io.IOException leftBehind) {
                    // in the bundle's data area; harmless
                }
            }
        }
    }
}
