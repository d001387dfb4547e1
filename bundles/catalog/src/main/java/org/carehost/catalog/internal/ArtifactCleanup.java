package org.carehost.catalog.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginOrigin;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/**
 * Keeps the artifact folder to what rollbacks need ({@link Artifacts#prune}): after each catalog install and update
 * (called by the service), when a catalog plugin is uninstalled by anyone ({@code plugin:uninstall}, a rollback), and
 * once at start for what earlier runs left. Prunes after an uninstall run on a thread of their own, not the
 * framework's event thread, since a prune waits for an install in progress.
 */
final class ArtifactCleanup {

    private final BundleContext context;
    private final PluginManager plugins;
    private final Artifacts artifacts;
    private final ExecutorService pruning;
    private final BundleListener uninstalled = event -> {
        if (event.getType() == BundleEvent.UNINSTALLED
                && event.getBundle().getLocation().startsWith(PluginOrigin.CATALOG_LOCATION_PREFIX)) {
            later();
        }
    };

    ArtifactCleanup(BundleContext context, PluginManager plugins, Artifacts artifacts) {
        this.context = context;
        this.plugins = plugins;
        this.artifacts = artifacts;
        this.pruning = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(null, task, "carehost-catalog-artifacts", 0, false);
            thread.setDaemon(true);
            return thread;
        });
        context.addBundleListener(uninstalled);
        later();
    }

    void close() {
        context.removeBundleListener(uninstalled);
        pruning.shutdownNow();
    }

    /** Keeps the running and the previous jar of each installed catalog plugin and deletes the other kept jars. */
    void prune() {
        List<Artifacts.Installed> installed = new ArrayList<>();
        for (PluginInfo info : plugins.list()) {
            if (info.origin() == PluginOrigin.CATALOG) {
                installed.add(new Artifacts.Installed(info.symbolicName(), info.version()));
            }
        }
        artifacts.prune(installed);
    }

    private void later() {
        try {
            pruning.execute(this::prune);
        } catch (RejectedExecutionException closed) {
            // deactivated: the next start prunes
        }
    }
}
