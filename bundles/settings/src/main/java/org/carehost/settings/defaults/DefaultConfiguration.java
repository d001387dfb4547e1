package org.carehost.settings.defaults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Hashtable;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

/**
 * The configuration of defaults of a component that must not start before its configuration has arrived. A component
 * that listens on a port takes its configuration as required ({@code ConfigurationPolicy.REQUIRE}): at a first start
 * the deploy watcher (FileInstall, at start level 40) delivers {@code etc/<pid>.cfg} only after the listeners' bundles
 * have started, and a component that activated on its defaults meanwhile listened, for a moment, on a port the
 * operator never named (an error of its own when another process has that port). The component's bundle gives it
 * this: when no folder the deploy watcher reads has a file for the PID and Config Admin holds no configuration of it,
 * an empty configuration, so that the component's Metatype defaults (written in that one place) apply. When a file is
 * there, the component waits for it. A configuration deleted while the container runs (its file removed) is made
 * again the same way ({@link #deleted}), so that the component goes back to its defaults instead of stopping.
 *
 * <p>Not an API: each bundle that uses it copies this package privately ({@code -conditionalpackage}).
 */
public final class DefaultConfiguration {

    /** The framework property that names the folders the deploy watcher reads (comma-separated). */
    public static final String WATCHED_FOLDERS = "felix.fileinstall.dir";

    private final ConfigurationAdmin configAdmin;
    private final String pid;
    private final String watchedFolders;

    /**
     * @param watchedFolders the value of {@value #WATCHED_FOLDERS} (null or blank: no folder is read, so the defaults
     *            are always given when Config Admin has no configuration)
     */
    public DefaultConfiguration(ConfigurationAdmin configAdmin, String pid, String watchedFolders) {
        this.configAdmin = configAdmin;
        this.pid = pid;
        this.watchedFolders = watchedFolders;
    }

    /**
     * Makes the empty configuration when neither a watched folder's file nor Config Admin has one.
     *
     * @return whether it made one
     */
    public synchronized boolean provide() throws IOException {
        if (file().isPresent()) {
            return false; // the deploy watcher delivers it; the component waits for that
        }
        Configuration configuration = configAdmin.getConfiguration(pid, "?");
        if (configuration.getProperties() != null) {
            return false; // one is there: the deploy watcher's from an earlier start, or one written by other means
        }
        configuration.update(new Hashtable<>());
        return true;
    }

    /**
     * After {@code event}: when it deleted this PID's configuration, the defaults again ({@link #provide}).
     *
     * @return whether a configuration of defaults was made
     */
    public boolean deleted(ConfigurationEvent event) throws IOException {
        return event.getType() == ConfigurationEvent.CM_DELETED && pid.equals(event.getPid())
                && event.getFactoryPid() == null && provide();
    }

    /** The file of this PID in a watched folder ({@code <pid>.cfg} or {@code <pid>.config}), if there is one. */
    public java.util.Optional<Path> file() {
        if (watchedFolders == null || watchedFolders.isBlank()) {
            return java.util.Optional.empty();
        }
        for (String folder : watchedFolders.split(",")) {
            if (folder.isBlank()) {
                continue;
            }
            for (String extension : new String[] {".cfg", ".config"}) {
                Path file = Paths.get(folder.strip()).resolve(pid + extension);
                if (Files.isRegularFile(file)) {
                    return java.util.Optional.of(file);
                }
            }
        }
        return java.util.Optional.empty();
    }
}
