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
 * a configuration holding only its {@link #MARK}, so that the component's Metatype defaults (written in that one place)
 * apply. When a file is
 * there, the component waits for it. A configuration deleted while the container runs (its file removed) is made
 * again the same way ({@link #deleted}), so that the component goes back to its defaults instead of stopping.
 *
 * <p>Not an API: each bundle that uses it copies this package privately ({@code -conditionalpackage}).
 */
public final class DefaultConfiguration {

    /**
     * What marks a configuration of defaults as this class's: never empty, so that an empty or comment-only file for the
     * PID differs from it and the deploy watcher takes the configuration over (it leaves alone a configuration equal to
     * its file's, and the file would never count as applied), and so that a file found at a later start replaces it.
     */
    public static final String MARK = "carehost.defaults";

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
     * Makes the configuration of defaults when neither a watched folder's file nor Config Admin has one; deletes its
     * own from an earlier start when a file is there now.
     *
     * @return whether it made one
     */
    public synchronized boolean provide() throws IOException {
        Configuration configuration = configAdmin.getConfiguration(pid, "?");
        java.util.Dictionary<String, Object> properties = configuration.getProperties();
        if (file().isPresent()) {
            if (properties != null && properties.get(MARK) != null) {
                // this class's defaults from an earlier start, and now a file (added while the container was stopped):
                // the component waits for the file rather than listen on the defaults meanwhile
                configuration.delete();
            }
            return false; // the deploy watcher delivers it; the component waits for that
        }
        if (properties != null) {
            return false; // one is there: the deploy watcher's from an earlier start, or one written by other means
        }
        Hashtable<String, Object> defaults = new Hashtable<>();
        defaults.put(MARK, Boolean.TRUE);
        configuration.update(defaults);
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

    /**
     * {@link #provide}, for the component that gives the defaults at its activation: a failure is handed to
     * {@code failed} (which says what did not start) rather than thrown into Declarative Services.
     */
    public void provideOr(java.util.function.Consumer<Exception> failed) {
        try {
            provide();
        } catch (IOException | RuntimeException e) {
            failed.accept(e);
        }
    }

    /** {@link #deleted}, for that component's configuration events: a failure is handed to {@code failed}. */
    public void deletedOr(ConfigurationEvent event, java.util.function.Consumer<Exception> failed) {
        try {
            deleted(event);
        } catch (IOException | RuntimeException e) {
            failed.accept(e);
        }
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
