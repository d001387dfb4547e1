package org.carehost.config.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * At each start, as soon as Config Admin is up (before Felix HTTP and the deploy watcher start: start levels 19, 20
 * and 40, as {@link GoneFilesReconciler}), makes sure the HTTP listeners start on what
 * {@code etc/org.carehost.http.listener.cfg} says now, and on nothing else first (tryout 16, item 7: with
 * {@code httpEnabled=false} written into that file while the container was stopped, the next start bound 8181 all the
 * same, before the deploy watcher delivered the file):
 * <ul>
 * <li>Felix HTTP's configuration that the container wrote at an earlier start (marked
 * {@code carehost.writtenBy=org.carehost.http.listener}) is deleted: Felix HTTP, run with
 * {@code org.apache.felix.http.require.config=true}, then starts no listener until the http bundle's ListenerSettings
 * writes its configuration again from the listeners' settings. One an operator wrote (etc/org.apache.felix.http.cfg,
 * no such mark) is left.
 * <li>The listeners' configuration is brought up to date with its file when the file changed while the container was
 * stopped, as the deploy watcher would at level 40 (which then finds nothing to change): ListenerSettings starts on it.
 * A file with a {@code ${...}} value (the deploy watcher's substitution) is left to the deploy watcher.
 * </ul>
 */
@Component
public final class HttpListenersAtStart {

    static final String LISTENER_PID = "org.carehost.http.listener";
    static final String FELIX_PID = "org.apache.felix.http";
    static final String WRITTEN_BY = "carehost.writtenBy";
    private static final Set<String> NOT_FROM_THE_FILE = Set.of(Constants.SERVICE_PID,
            ConfigurationAdmin.SERVICE_FACTORYPID, ConfigurationAdmin.SERVICE_BUNDLELOCATION, FilesGone.FILENAME);

    @Activate
    public HttpListenersAtStart(@Reference ConfigurationAdmin configAdmin,
            @Reference(service = LoggerFactory.class) Logger log) {
        try {
            Configuration listeners = only(configAdmin, LISTENER_PID);
            if (listeners != null && listeners.getProperties() != null) {
                Dictionary<String, Object> stored = listeners.getProperties();
                Optional<Path> file = FilesGone.fileOf(stored.get(FilesGone.FILENAME));
                if (file.isPresent() && Files.isRegularFile(file.get())) {
                    Optional<Map<String, Object>> now = changed(stored, read(file.get()));
                    if (now.isPresent()) {
                        Hashtable<String, Object> update = new Hashtable<>(now.get());
                        update.put(FilesGone.FILENAME, stored.get(FilesGone.FILENAME));
                        listeners.update(update);
                        log.info("Configuration {} taken from {}, which changed while the container was stopped",
                                LISTENER_PID, file.get());
                    }
                }
            }
            Configuration felix = only(configAdmin, FELIX_PID);
            if (felix != null && felix.getProperties() != null
                    && LISTENER_PID.equals(felix.getProperties().get(WRITTEN_BY))) {
                felix.delete();
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            log.warn("The HTTP listeners' configuration was not checked against etc/{}.cfg at this start ({}): they "
                    + "may listen on the settings of the last run until the deploy watcher delivers the file",
                    LISTENER_PID, e.toString());
        }
    }

    private static Configuration only(ConfigurationAdmin configAdmin, String pid)
            throws IOException, InvalidSyntaxException {
        Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
        return found != null && found.length == 1 ? found[0] : null;
    }

    static Map<String, String> read(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        Map<String, String> out = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> out.put(key, properties.getProperty(key)));
        return out;
    }

    /**
     * The file's settings when they differ from the stored ones (each a string as the deploy watcher stores a .cfg
     * file's), else empty; empty too when the file has a {@code ${...}} value (the deploy watcher substitutes it).
     */
    static Optional<Map<String, Object>> changed(Dictionary<String, Object> stored, Map<String, String> file) {
        if (file.values().stream().anyMatch(value -> value.contains("${"))) {
            return Optional.empty();
        }
        Map<String, Object> kept = new HashMap<>();
        for (String key : Collections.list(stored.keys())) {
            if (!NOT_FROM_THE_FILE.contains(key)) {
                kept.put(key, stored.get(key) instanceof String text ? text : String.valueOf(stored.get(key)));
            }
        }
        Map<String, Object> now = new HashMap<>(file);
        NOT_FROM_THE_FILE.forEach(now::remove);
        return kept.equals(now) ? Optional.empty() : Optional.of(now);
    }
}
