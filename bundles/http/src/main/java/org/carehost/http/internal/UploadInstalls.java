package org.carehost.http.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

/**
 * What {@link UploadRestore}'s worker does to this node and the store: installs an upload this node lacks from the
 * store's jars, through the plugin manager's checks; uninstalls here an upload whose tombstone another node wrote; and,
 * after an uninstall here, deletes the upload's row and writes its tombstone. It keeps which restores were refused (not
 * tried again until something they could have lacked changes) and which locations it is installing or uninstalling at
 * the moment ({@link UploadsUnderway}), so that the component's bundle listener can tell its own uninstalls from an
 * operator's.
 *
 * <p>Apart from {@code UploadRestore}, which decides when to look and what the listener records, so each reads as one
 * thing: when and what there, how here. Called on the component's one worker thread only, save
 * {@link #retryRefused}, which the listener and the policy event call.
 */
final class UploadInstalls {

    private final BundleContext context;
    private final PluginManager plugins;
    private final UploadStore stored;
    private final HeldUploads held;
    private final Clock clock;
    private final Logger log;
    /** Where this class registers what it installs or uninstalls itself: those uninstalls are its own. */
    private final UploadsUnderway underway;
    /** Uploads (by their missing jars' locations) whose restore was refused: not tried again as they are. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    UploadInstalls(BundleContext context, PluginManager plugins, UploadStore stored, HeldUploads held, Clock clock,
            Logger log, UploadsUnderway underway) {
        this.underway = underway;
        this.context = context;
        this.plugins = plugins;
        this.stored = stored;
        this.held = held;
        this.clock = clock;
        this.log = log;
    }

    /** Something a refused upload could have lacked changed: each is tried again at the next look. */
    void retryRefused() {
        refused.clear();
    }

    /** Whether the restore of these missing jars was refused, and nothing has changed since. */
    boolean refused(List<UploadStore.Stored> missing) {
        return refused.contains(key(missing));
    }

    /**
     * Deletes an uninstalled upload's row and writes its tombstone, and drops its record (on the worker: no look runs
     * meanwhile). Returns whether its mark may be dropped now: not when the store could not be written, so that this
     * node does not install it again while it runs.
     */
    boolean forget(String location, String name, HeldUploads.Held record) {
        if (record == null) {
            log.warn("Uploaded plugin {} ({}) was uninstalled here before this node recorded which upload it came from: "
                    + "the store is left as it is (its jar stays kept, and no other node uninstalls it), so a look "
                    + "installs it here again; to remove it everywhere, plugin:uninstall it again once it is back",
                    name, location);
            return true;
        }
        try {
            if (stored.forget(location, record == null ? null : record.uploadId(), clock.instant())) {
                log.info("Uploaded plugin {} ({}) uninstalled: its jar is no longer kept in the store", name, location);
            }
            held.remove(location, record);
            return true;
        } catch (Exception e) {
            log.error("Uploaded plugin {} ({}) was uninstalled, but its jar could not be removed from the store ({}): "
                    + "this node does not install it again while it runs, but a node that starts will", name,
                    location, e.getMessage());
            return false;
        }
    }

    /** Uninstalls here an uploaded bundle whose upload was uninstalled on another node (its tombstone is kept). */
    void uninstallRemoved(String location, HeldUploads.Held record) {
        Bundle bundle = context.getBundle(location);
        if (bundle == null || bundle.getBundleId() != record.bundleId()) {
            return; // uninstalled meanwhile, maybe installed again: another installation, not the one decided about
        }
        underway.begin(List.of(location));
        try {
            plugins.uninstall(String.valueOf(bundle.getBundleId()));
            held.remove(location, record);
            log.info("Uploaded plugin {} ({}) uninstalled: it was uninstalled on another node (the store records the "
                    + "removal of upload {})", bundle.getSymbolicName(), location, record.uploadId());
        } catch (Exception e) {
            log.error("Uploaded plugin {} ({}) was uninstalled on another node but not here: {}",
                    bundle.getSymbolicName(), location, e.getMessage());
        } finally {
            underway.end(List.of(location), true); // its uninstall was this one's own: no tombstone written for it
        }
    }

    private static String key(List<UploadStore.Stored> missing) {
        return missing.stream().map(UploadStore.Stored::location).toList().toString();
    }

    /** Installs an upload's missing jars from the store through the plugin manager; a refusal is kept. */
    void restore(List<UploadStore.Stored> missing) {
        UploadStore.Stored plugin = missing.get(missing.size() - 1);
        Path folder = null;
        List<String> installing = new ArrayList<>();
        boolean undone = true; // until installed: a refused install is rolled back by the plugin manager
        try {
            folder = Files.createTempDirectory(context.getDataFile("").toPath(), "restore");
            List<PluginArtifact> artifacts = new ArrayList<>();
            for (UploadStore.Stored jar : missing) {
                Path file = folder.resolve(jar.position() + ".jar");
                if (stored.copy(jar.location(), file)) {
                    artifacts.add(new PluginArtifact(jar.location(), file));
                    installing.add(jar.location());
                    underway.begin(List.of(jar.location()));
                }
            }
            Map<String, HeldUploads.Held> records = new HashMap<>();
            for (PluginInfo info : plugins.installAll(artifacts)) {
                missing.stream().filter(jar -> jar.location().equals(info.location())).findFirst()
                        .ifPresent(jar -> records.put(jar.location(), new HeldUploads.Held(jar.uploadId(), info.id())));
            }
            held.put(records);
            undone = false;
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
            underway.end(installing, undone);
            if (folder != null) {
                PluginUploads.delete(folder); // in the bundle's data area; harmless if left behind
            }
        }
    }
}
