package org.carehost.http.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Installs the uploaded plugins the store keeps and this node lacks (after a restart with a fresh framework cache, or
 * uploaded on another node sharing the database), once the framework has started and then every
 * {@code uploadPollSeconds} (etc/org.carehost.http.cfg) while it runs, through the plugin manager's checks: each look
 * compares the store's rows (no jar read) with the bundles installed here, so a missed look only delays. It also
 * forgets an uploaded jar when its bundle is uninstalled (so that {@code plugin:uninstall} of an uploaded plugin
 * lasts), except while this component itself installs (a refused restore rolls back and must keep the row). An upload
 * whose restore was refused is tried again at each look only when its rows change (so a refusal is logged once).
 */
@Component(immediate = true, service = {}, configurationPid = "org.carehost.http")
public final class UploadRestore implements SynchronousBundleListener, FrameworkListener {

    private final BundleContext context;
    private final PluginManager plugins;
    private final UploadStore stored;
    private final Logger log;
    private final Set<String> restoring = ConcurrentHashMap.newKeySet();
    /** Uploads (by their last jar's location and upload id) whose restore was refused: not tried again as they are. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(work -> {
        Thread thread = new Thread(work, "carehost-upload-restore");
        thread.setDaemon(true);
        return thread;
    });

    @Activate
    public UploadRestore(BundleContext context, @Reference PluginManager plugins, @Reference Store store,
            @Reference(service = LoggerFactory.class) Logger log, UploadConfiguration configuration) {
        this.context = context;
        this.plugins = plugins;
        this.stored = new UploadStore(store);
        this.log = log;
        context.addBundleListener(this);
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
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            worker.execute(this::restore);
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        String location = event.getBundle().getLocation();
        if (event.getType() == BundleEvent.UNINSTALLED && location.startsWith(PluginOrigin.UPLOAD_LOCATION_PREFIX)
                && !restoring.contains(location)) {
            worker.execute(() -> {
                try {
                    if (stored.forget(location)) {
                        log.info("Uploaded plugin {} ({}) uninstalled: its jar is no longer kept in the store",
                                event.getBundle().getSymbolicName(), location);
                    }
                } catch (Exception e) {
                    log.error("Uploaded plugin {} was uninstalled, but its jar could not be removed from the store "
                            + "({}): it will be installed again at the next start", location, e.getMessage());
                }
            });
        }
    }

    private void restore() {
        Map<String, List<UploadStore.Stored>> uploads;
        try {
            uploads = stored.all();
        } catch (Exception e) {
            log.error("Uploaded plugins not restored: the store did not answer ({})", e.getMessage());
            return;
        }
        for (List<UploadStore.Stored> upload : uploads.values()) {
            List<UploadStore.Stored> missing = upload.stream()
                    .filter(jar -> context.getBundle(jar.location()) == null).toList();
            if (!missing.isEmpty() && !refused.contains(key(missing))) {
                restore(missing);
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
