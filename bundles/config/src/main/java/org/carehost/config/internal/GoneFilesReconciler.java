package org.carehost.config.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * At each start, as soon as Config Admin is up, deletes the configurations whose file in a watched folder (one the deploy
 * watcher reads now) was deleted
 * while the container was stopped ({@link FilesGone}): what the deploy watcher would have done had it run, so that a
 * component goes back to its defaults (or, for a listener, to its configuration of defaults) as it does when its file
 * is deleted while the container runs. This bundle starts before Config Admin and before the deploy watcher (start
 * levels 19, 20 and 40), so the deletion is made when Config Admin registers, before the deploy watcher reads the folders;
 * a component whose configuration Config Admin delivered before that (its delivery runs on Config Admin's own thread)
 * gets the deletion right after.
 */
@Component
public final class GoneFilesReconciler {

    @Activate
    public GoneFilesReconciler(org.osgi.framework.BundleContext context, @Reference ConfigurationAdmin configAdmin,
            @Reference(service = LoggerFactory.class) Logger log) {
        java.util.List<java.nio.file.Path> watched = FilesGone.watched(context.getProperty("felix.fileinstall.dir"));
        for (String deleted : deleteGone(configAdmin, watched, log)) {
            log.info("Configuration {} deleted: its file was removed while the container was stopped", deleted);
        }
    }

    /**
     * Deletes every configuration whose file is gone; one that cannot be read or deleted is logged and left.
     *
     * @return for each deleted configuration, its PID and its file, as one line
     */
    static List<String> deleteGone(ConfigurationAdmin configAdmin, List<java.nio.file.Path> watched, Logger log) {
        List<String> deleted = new ArrayList<>();
        Configuration[] configurations;
        try {
            configurations = configAdmin.listConfigurations("(" + FilesGone.FILENAME + "=*)");
        } catch (IOException | InvalidSyntaxException e) {
            log.warn("Could not list the configurations made from files, so none deleted while the container was "
                    + "stopped is forgotten now; restart to try again: {}", e.toString());
            return deleted;
        }
        if (configurations == null) {
            return deleted;
        }
        for (Configuration configuration : configurations) {
            java.util.Dictionary<String, Object> properties = configuration.getProperties();
            Object file = properties == null ? null : properties.get(FilesGone.FILENAME);
            if (!FilesGone.gone(file, watched)) {
                continue;
            }
            String pid = configuration.getPid(); // read first: a deleted configuration answers nothing
            try {
                configuration.delete();
                deleted.add(pid + " (" + file + ")");
            } catch (IOException | IllegalStateException e) {
                log.warn("Configuration {} could not be deleted although its file {} is gone: {}", pid, file,
                        e.toString());
            }
        }
        return deleted;
    }
}
