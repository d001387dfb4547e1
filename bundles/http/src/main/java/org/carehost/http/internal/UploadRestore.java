package org.carehost.http.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginException;
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
 * compares the store's rows (no jar read) with the bundles installed here, so a missed look only delays.
 * <p>
 * An uninstall lasts. When an uploaded bundle is uninstalled here, its location is marked uninstalled at once (in the
 * synchronous bundle listener, on the uninstaller's thread) and its row is deleted on this component's one worker
 * thread, which also runs the looks: a look never installs a location marked so, and the mark is dropped only after the
 * row is gone, so a look that read the rows before the uninstall cannot install the plugin again. Whether a location is
 * installed is this listener's own record ({@code present}, updated by the same events), not the framework's map: the
 * framework drops a bundle from its map before it tells the listeners. A restore's own rollback (a refused install
 * undone) is neither marked nor forgotten: its row stays.
 * <p>
 * An uninstall spreads: a look uninstalls here an uploaded bundle (location {@code upload:}) that this node knew kept
 * in the store ({@link SeenUploads}: a row a look saw, or an upload of its own once kept) and whose row is now gone
 * (another node uninstalled it). What it knew is kept in the bundle's data area, so a node that was down while the
 * plugin was uninstalled elsewhere uninstalls its copy at its first look after it starts. A location never known kept
 * is left alone: an upload on this node is installed before it is kept. What was known is read before the rows are,
 * so an upload kept here between the two is not taken for one gone.
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
    private final Logger log;
    /** Locations this component is installing or uninstalling itself (their events on its thread are its own). */
    private final Set<String> restoring = ConcurrentHashMap.newKeySet();
    /** Uploads (by their missing jars' locations) whose restore was refused: not tried again as they are. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** Upload locations installed here (guarded by itself). */
    private final Set<String> present = new HashSet<>();
    /** Upload locations uninstalled here whose row is not yet deleted (guarded by {@link #present}). */
    private final Set<String> uninstalled = new HashSet<>();
    /** The upload locations this node knows kept in the store (across restarts). */
    private final SeenUploads known;
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
            @Reference(service = LoggerFactory.class) Logger log, @Reference SeenUploads known,
            UploadConfiguration configuration) {
        this.context = context;
        this.known = known;
        this.plugins = plugins;
        this.stored = new UploadStore(store);
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
            worker.execute(this::restore);
        }
        int every = configuration.uploadPollSeconds();
        if (every > 0) {
            worker.scheduleWithFixedDelay(() -> {
                if (context.getBundle(0).getState() == Bundle.ACTIVE) {
                    restore();
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
            worker.execute(this::restore);
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
                worker.execute(() -> forget(location, event.getBundle().getSymbolicName()));
            }
        }
    }

    /** Deletes an uninstalled upload's row, then drops its mark (on the worker: no look runs meanwhile). */
    private void forget(String location, String name) {
        try {
            if (stored.forget(location)) {
                log.info("Uploaded plugin {} ({}) uninstalled: its jar is no longer kept in the store", name, location);
            }
            synchronized (present) {
                uninstalled.remove(location);
            }
        } catch (Exception e) {
            log.error("Uploaded plugin {} ({}) was uninstalled, but its jar could not be removed from the store ({}): "
                    + "this node does not install it again while it runs, but a node that starts will", name,
                    location, e.getMessage());
        }
    }

    private void restore() {
        Set<String> knownBefore = known.now(); // before the rows: see the class comment
        Map<String, List<UploadStore.Stored>> uploads;
        try {
            uploads = stored.all();
        } catch (Exception e) {
            log.error("Uploaded plugins not restored: the store did not answer ({})", e.getMessage());
            return;
        }
        Set<String> rows = new HashSet<>();
        uploads.values().forEach(upload -> upload.forEach(jar -> rows.add(jar.location())));
        for (List<UploadStore.Stored> upload : uploads.values()) {
            List<UploadStore.Stored> missing;
            synchronized (present) {
                if (upload.stream().anyMatch(jar -> uninstalled.contains(jar.location()))) {
                    continue; // uninstalled here: its row is being deleted
                }
                missing = upload.stream().filter(jar -> !present.contains(jar.location())).toList();
            }
            if (!missing.isEmpty() && !refused.contains(key(missing))) {
                restore(missing);
            }
        }
        uninstallGone(rows, knownBefore);
        known.add(rows);
        List<String> settled;
        synchronized (present) {
            settled = knownBefore.stream().filter(location -> !rows.contains(location) && !present.contains(location))
                    .toList();
        }
        known.remove(settled); // gone from the store and not here: nothing left to decide
    }

    /** Uninstalls here the uploaded bundles this node knew kept whose rows are gone now. */
    private void uninstallGone(Set<String> rows, Set<String> knownBefore) {
        List<String> gone;
        synchronized (present) {
            gone = present.stream().filter(location -> knownBefore.contains(location) && !rows.contains(location))
                    .toList();
        }
        for (String location : gone) {
            Bundle bundle = context.getBundle(location);
            if (bundle == null) {
                continue;
            }
            restoring.add(location);
            try {
                plugins.uninstall(String.valueOf(bundle.getBundleId()));
                log.info("Uploaded plugin {} ({}) uninstalled: it was uninstalled on another node (its jar is no "
                        + "longer kept in the store)", bundle.getSymbolicName(), location);
            } catch (Exception e) {
                log.error("Uploaded plugin {} ({}) was uninstalled on another node but not here: {}",
                        bundle.getSymbolicName(), location, e.getMessage());
            } finally {
                restoring.remove(location);
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
            plugins.installAll(artifacts);
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
