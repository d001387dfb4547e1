package org.carehost.config.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.function.Predicate;

import org.carehost.settings.PluginNames;
import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;

/**
 * Which plugin a configuration is: Config Admin delivers a configuration to every bundle whose component names its PID
 * (the deploy watcher's configurations from {@code etc/<pid>.cfg} are bound to no bundle), so a plugin with no
 * permission received another plugin's settings, credentials included, by naming that plugin's PID in a component of
 * its own (red team 21). A plugin's configuration reaches that plugin alone:
 * <ol>
 * <li>a PID that is an installed plugin's symbolic name, or starts with it and a dot, is that plugin's
 * ({@link PluginNames}), whatever was installed first: the samples' and the archetype's PIDs are named so;</li>
 * <li>any other PID is the first plugin's that it was delivered to, for as long as that plugin is installed (stopped
 * too: a plugin stopped or quarantined keeps its configuration): recorded by symbolic name in the guard's data area,
 * so it outlives restarts.</li>
 * </ol>
 * The container's own configurations are {@link ContainerConfigurations}', decided before this. Written here, not
 * taken from a library: Config Admin's location binding would do the second rule, but the deploy watcher creates its
 * configurations for any location, and binding them would make an operator's file follow whichever plugin came
 * first, for good, even after it was uninstalled.
 */
final class PluginPidOwners {

    private final File file;
    private final Logger log;
    /** PID to the symbolic name of the plugin it was first delivered to. Guarded by this. */
    private final Properties firstReceivers = new Properties();

    PluginPidOwners(File file, Logger log) {
        this.file = file;
        this.log = log;
        load();
    }

    /**
     * The symbolic name of the plugin whose configuration {@code pid} is, when that is not {@code receiver}: the
     * receiver then gets none of its values. Null when the receiver may have it (and, for a PID of the second kind
     * delivered for the first time, records the receiver as its plugin).
     *
     * @param installed every bundle installed now
     * @param isContainer the container's bundles, which own no plugin PID
     */
    synchronized String otherOwner(Bundle receiver, String pid, Bundle[] installed, Predicate<Bundle> isContainer) {
        String name = receiver.getSymbolicName();
        if (name == null) {
            return null;
        }
        String byName = PluginNames.owner(pid, installed, isContainer);
        if (byName != null) {
            return byName.equals(name) ? null : byName;
        }
        String first = firstReceivers.getProperty(pid);
        if (first != null && !first.equals(name) && installedPlugin(first, installed, isContainer)) {
            return first;
        }
        if (!name.equals(first)) {
            firstReceivers.setProperty(pid, name);
            save();
        }
        return null;
    }

    private static boolean installedPlugin(String name, Bundle[] installed, Predicate<Bundle> isContainer) {
        for (Bundle bundle : installed) {
            if (name.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED
                    && !isContainer.test(bundle)) {
                return true;
            }
        }
        return false;
    }

    private void load() {
        if (file == null || !file.isFile()) {
            return;
        }
        try (InputStream in = Files.newInputStream(file.toPath())) {
            firstReceivers.load(in);
        } catch (IOException | IllegalArgumentException e) {
            log.warn("The record of which plugin each configuration is, {}, is unreadable and is started again: {}",
                    file, e.toString());
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        File part = new File(file.getPath() + ".part");
        try {
            try (OutputStream out = Files.newOutputStream(part.toPath())) {
                firstReceivers.store(out, "configuration PID = the plugin it is (the first it was delivered to)");
            }
            Files.move(part.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // kept in memory: this run still keeps the configuration to its plugin
            log.warn("The record of which plugin each configuration is could not be written to {}: {}", file,
                    e.toString());
        }
    }
}
