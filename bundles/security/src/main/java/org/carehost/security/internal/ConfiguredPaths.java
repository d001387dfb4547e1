package org.carehost.security.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.log.Logger;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The container's files that other bundles' configurations name: the audit trail's folders and signing key
 * ({@code org.carehost.audit}: keyfile, checkpoints, journal, archive) and the cipher's key folder
 * ({@code org.carehost.crypto}: keys). Read from Config Admin when it appears and again at each change of those
 * configurations, and handed to {@link ContainerPaths}, so that a folder set only in {@code etc/<pid>.cfg} is out of
 * every plugin's reach as the defaults are. (A file stands for its folder: the key file's folder holds its backups.)
 */
final class ConfiguredPaths implements ConfigurationListener {

    /** The keys that name the container's files, by PID; the boolean: the value is a file whose folder is protected. */
    static final Map<String, Map<String, Boolean>> KEYS = Map.of(
            "org.carehost.audit", Map.of("keyfile", true, "checkpoints", false, "journal", false, "archive", false),
            "org.carehost.crypto", Map.of("keys", false));

    private final BundleContext context;
    private final BiConsumer<String, List<String>> paths;
    private final Logger logger;
    private final ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> admins;
    private ServiceRegistration<ConfigurationListener> registration;

    /** {@code paths}: told each PID's paths (as configured: relative to the working directory, or absolute). */
    ConfiguredPaths(BundleContext context, BiConsumer<String, List<String>> paths, Logger logger) {
        this.context = context;
        this.paths = paths;
        this.logger = logger;
        this.admins = new ServiceTracker<>(context, ConfigurationAdmin.class, null) {
            @Override
            public ConfigurationAdmin addingService(ServiceReference<ConfigurationAdmin> reference) {
                ConfigurationAdmin admin = super.addingService(reference);
                if (admin != null) {
                    KEYS.keySet().forEach(pid -> read(admin, pid));
                }
                return admin;
            }
        };
    }

    void open() {
        registration = context.registerService(ConfigurationListener.class, this, null);
        admins.open();
    }

    void close() {
        admins.close();
        if (registration != null) {
            registration.unregister();
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        ConfigurationAdmin admin = admins.getService();
        if (admin != null && event.getFactoryPid() == null && KEYS.containsKey(event.getPid())) {
            read(admin, event.getPid());
        }
    }

    private void read(ConfigurationAdmin admin, String pid) {
        List<String> found = new ArrayList<>();
        try {
            Configuration[] configurations = admin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID
                    + "=" + pid + ")");
            Dictionary<String, Object> properties = configurations == null ? null : configurations[0].getProperties();
            if (properties != null) {
                for (Map.Entry<String, Boolean> key : KEYS.get(pid).entrySet()) {
                    Object value = properties.get(key.getKey());
                    if (value instanceof String text && !text.isBlank()) {
                        found.add((key.getValue() ? "file:" : "") + text.trim());
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            logger.warn("Could not read {} for the container's folders it names: {}", pid, e.getMessage());
        }
        paths.accept(pid, found);
    }
}
