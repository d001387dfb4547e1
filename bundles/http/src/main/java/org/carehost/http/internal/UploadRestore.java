package org.carehost.http.internal;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.clock.ContainerClock;
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
import org.osgi.service.component.annotations.Modified;
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
 * map before it tells the listeners. A rollback — a restore's own (a refused install undone) or an upload request's
 * (a refused batch, or an upload the store could not keep) — is not forgotten, and logs nothing: the store is left as
 * it is. An uninstall of a location an installer is installing is held, marked, until the installer ends, and
 * decided from its outcome ({@link UploadsUnderway}), not from the thread it ran on: the plugin manager rolls a
 * refused batch back on a lifecycle thread of its own (tryout 16, item 6: a false warning after a refused upload). Only the upload the uninstalled bundle was recorded to come from is removed
 * (its row if the row is still that upload's, and its tombstone); an uninstall of a bundle never recorded writes
 * nothing, with a warning.
 * <p>
 * An uninstall spreads, and only by its tombstone: a look uninstalls here an uploaded bundle when the store holds a
 * tombstone for the very upload this installation came from ({@link HeldUploads}, {@link UploadLook}). A row's
 * absence uninstalls nothing: a store that lost rows (the JDBC URL pointed at another database, a restore from an
 * older backup, a replica behind) would otherwise read as "everything uninstalled"; such a plugin stays, with one
 * warning. What a node holds is kept in the bundle's data area, so a node that was down while the plugin was
 * uninstalled elsewhere uninstalls its copy at its first look after it starts. A jar uninstalled here and uploaded
 * again is another installation (bundle id) of another upload (upload id: an upload request keeps each jar it installed
 * under a new one, {@link UploadStore#save}), so the tombstone of the earlier upload, written whenever the worker gets
 * to it, does not apply to it.
 * <p>
 * An upload whose restore was refused is tried again when its rows change, when a bundle is installed, updated or
 * uninstalled here, or when the security policy changes ({@link SecurityEvents#POLICY_CHANGED}: a grant) — what could
 * have been missing — and not at every look (so a refusal is logged once per change).
 * <p>
 * This class decides when to look and keeps what its listener sees (which upload locations are here, which were
 * uninstalled here); what its worker does to this node and the store (a restore, an uninstall spread from another node,
 * the row and tombstone of an uninstall here) is {@link UploadInstalls}'.
 */
@Component(immediate = true, service = EventHandler.class, configurationPid = "org.carehost.http",
        property = EventConstants.EVENT_TOPIC + "=" + SecurityEvents.POLICY_CHANGED)
public final class UploadRestore implements SynchronousBundleListener, FrameworkListener, EventHandler {

    private final BundleContext context;
    private final UploadStore stored;
    private final Logger log;
    /** The look's warnings, each once (the worker's only). */
    private final UploadWarnings warnings;
    /** Restores and uninstalls carried out, refusals kept, tombstones written. */
    private final UploadInstalls installs;
    /** Upload locations installed here (guarded by itself). */
    private final Set<String> present = new HashSet<>();
    /** Upload locations uninstalled here whose row is not yet deleted (guarded by {@link #present}). */
    private final Set<String> uninstalled = new HashSet<>();
    /** Which upload each uploaded bundle here came from (across restarts). */
    private final HeldUploads held;
    private final UploadsUnderway underway;
    /** The periodic look, as configured. Guarded by this. */
    private java.util.concurrent.ScheduledFuture<?> polling;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(work -> {
        Thread thread = new Thread(null, work, "carehost-upload-restore", 0, false);
        thread.setDaemon(true);
        return thread;
    });

    @Activate
    public UploadRestore(BundleContext context, @Reference PluginManager plugins, @Reference Store store,
            @Reference(service = LoggerFactory.class) Logger log, @Reference HeldUploads held,
            @Reference(target = ContainerClock.TARGET) Clock clock, UploadConfiguration configuration,
            @Reference UploadsUnderway underway) {
        this.context = context;
        this.underway = underway;
        this.held = held;
        this.stored = new UploadStore(store);
        this.log = log;
        this.warnings = new UploadWarnings(context, log);
        this.installs = new UploadInstalls(context, plugins, stored, held, clock, log, underway);
        underway.settledBy(this::settled);
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
        poll(configuration);
    }

    /**
     * A change of {@code org.carehost.http} (its first delivery from etc/ included, which can come while the first look
     * restores uploads) only reschedules the look: before, SCR deactivated this component for it, whose worker's
     * shutdownNow interrupted a restore halfway (a plugin installed, its library's start waited on interrupted and
     * rolled back), and the next look found the library gone (seen in CI, PluginUploadIT).
     */
    @Modified
    void modified(UploadConfiguration configuration) {
        poll(configuration);
    }

    private synchronized void poll(UploadConfiguration configuration) {
        if (polling != null) {
            polling.cancel(false);
            polling = null;
        }
        int every = configuration.uploadPollSeconds();
        if (every > 0) {
            polling = worker.scheduleWithFixedDelay(() -> {
                if (context.getBundle(0).getState() == Bundle.ACTIVE) {
                    look();
                }
            }, every, every, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        underway.settledBy(null);
        context.removeFrameworkListener(this);
        context.removeBundleListener(this);
        worker.shutdownNow();
    }

    @Override
    public void handleEvent(Event event) {
        installs.retryRefused(); // a grant may be what a refused upload lacked
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
        // installed or uninstalled by an upload request or a restore (UploadsUnderway): its uninstall is decided when
        // the installer ends, from whether it undid its install
        boolean installer = underway.underway(location);
        if (!installer && (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UPDATED
                || event.getType() == BundleEvent.UNINSTALLED)) {
            installs.retryRefused(); // a library a refused upload lacked may have come (or a clash gone)
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
                uninstalled.add(location); // until decided: no look installs it meanwhile
            }
            Bundle bundle = event.getBundle();
            if (!underway.uninstalled(location, bundle.getSymbolicName(), bundle.getBundleId())) {
                settled(location, bundle.getSymbolicName(), bundle.getBundleId(), false);
            }
        }
    }

    /**
     * An uninstall of an upload here decided: an installer's own rollback (an upload request's or a restore's refused
     * or unkept install, or the uninstall of an upload removed on another node) changes nothing in the store and only
     * drops the mark; any other is an operator's, whose upload is forgotten on the worker.
     */
    private void settled(String location, String symbolicName, long bundleId, boolean rollback) {
        if (rollback) {
            synchronized (present) {
                uninstalled.remove(location);
            }
            return;
        }
        HeldUploads.Held record = held.now().get(location);
        HeldUploads.Held mine = record != null && record.bundleId() == bundleId ? record : null;
        worker.execute(() -> forget(location, symbolicName, mine));
    }

    /** The row and tombstone of an upload uninstalled here, then its mark dropped (on the worker). */
    private void forget(String location, String name, HeldUploads.Held record) {
        if (installs.forget(location, name, record)) {
            synchronized (present) {
                uninstalled.remove(location);
            }
        }
    }

    /** A look on the worker, after what is queued there now (the tests drive looks with it). */
    Future<?> lookNow() {
        return onWorker(this::look);
    }

    /** Runs a task on the worker, after what is queued there now (for the tests). */
    Future<?> onWorker(Runnable task) {
        return worker.submit(task);
    }

    /** One look: the decisions of {@link UploadLook} carried out, then the uploads this node lacks installed. */
    private void look() {
        Map<String, HeldUploads.Held> records = held.now();
        Map<String, List<UploadStore.Stored>> uploads;
        Set<UploadStore.Removal> removed;
        try {
            UploadStore.View view = stored.view(records.keySet());
            uploads = view.uploads();
            removed = view.removed();
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
        plan.uninstall().forEach(location -> installs.uninstallRemoved(location, records.get(location)));
        held.adopt(plan.adopt(), records);
        warnings.unknown(plan.unknown());
        warnings.mismatch(plan.mismatch(), records, rows);
        for (List<UploadStore.Stored> upload : uploads.values()) {
            List<UploadStore.Stored> missing;
            synchronized (present) {
                if (upload.stream().anyMatch(jar -> uninstalled.contains(jar.location()))) {
                    continue; // uninstalled here: its row is being deleted
                }
                missing = upload.stream().filter(jar -> !present.contains(jar.location())
                        && !removed.contains(new UploadStore.Removal(jar.location(), jar.uploadId()))).toList();
            }
            if (!missing.isEmpty() && !installs.refused(missing)) {
                installs.restore(missing);
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
}
