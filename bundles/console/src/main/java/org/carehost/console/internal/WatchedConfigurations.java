package org.carehost.console.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Whether the configuration files in the watched folders ({@code etc/}, and any {@code .cfg} in {@code deploy/}) have
 * reached the container's components, decided from state: each {@code .cfg}/{@code .config} file is a configuration
 * in Config Admin (FileInstall names its file in {@value #FILENAME}), and every container component that takes that
 * configuration's PID (or factory PID) has a configuration made of it (its {@code service.pid}). Before that a first
 * command could miss what the file sets: a catalog in {@code etc/org.carehost.catalog-<name>.cfg} was not yet listed
 * by {@code catalog:list} (FileInstall reads the folder on its own thread, and Service Component Runtime gets Config
 * Admin's events asynchronously).
 */
final class WatchedConfigurations {

    static final String FILENAME = "felix.fileinstall.filename";
    private static final String WATCHED = "felix.fileinstall.dir";

    private final BundleContext context;
    private final ServiceComponentRuntime components;
    private final ContainerBundles containerBundles;

    WatchedConfigurations(BundleContext context, ServiceComponentRuntime components, ContainerBundles containerBundles) {
        this.context = context;
        this.components = components;
        this.containerBundles = containerBundles;
    }

    /** What has not arrived, one line per file or component; empty when every file's configuration has. */
    List<String> missing() {
        List<Path> files = files();
        if (files.isEmpty()) {
            return List.of();
        }
        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin configAdmin = reference == null ? null : context.getService(reference);
        if (configAdmin == null) {
            return List.of("Config Admin is not up, so " + files.size() + " configuration file(s) are not applied yet");
        }
        try {
            Map<Path, Configuration> applied = applied(configAdmin);
            List<String> missing = new ArrayList<>();
            for (Path file : files) {
                Configuration configuration = applied.get(file);
                if (configuration == null) {
                    missing.add("configuration file " + file + " is not applied yet (if this stays, check that it is "
                            + "a valid configuration file)");
                } else {
                    missing.addAll(notTaken(configuration, file));
                }
            }
            return missing;
        } finally {
            context.ungetService(reference);
        }
    }

    /** The {@code .cfg} and {@code .config} files in the folders FileInstall watches. */
    private List<Path> files() {
        String watched = context.getProperty(WATCHED);
        if (watched == null || watched.isBlank()) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        for (String folder : watched.split(",")) {
            if (folder.isBlank()) {
                continue;
            }
            try (Stream<Path> listed = Files.list(Paths.get(folder.trim()))) {
                listed.filter(f -> {
                    String name = f.getFileName().toString();
                    return (name.endsWith(".cfg") || name.endsWith(".config")) && Files.isRegularFile(f);
                }).forEach(f -> files.add(real(f)));
            } catch (IOException | RuntimeException noFolder) {
                // a folder that is not there holds no configuration
            }
        }
        return files;
    }

    /** The configurations FileInstall made, by the file each came from. */
    private static Map<Path, Configuration> applied(ConfigurationAdmin configAdmin) {
        Map<Path, Configuration> applied = new HashMap<>();
        try {
            Configuration[] configurations = configAdmin.listConfigurations("(" + FILENAME + "=*)");
            for (Configuration configuration : configurations == null ? new Configuration[0] : configurations) {
                Object from = configuration.getProperties() == null ? null : configuration.getProperties().get(FILENAME);
                try {
                    applied.put(real(Paths.get(URI.create(String.valueOf(from)))), configuration);
                } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException notAFile) {
                    // not FileInstall's
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            // read again at the next look
        }
        return applied;
    }

    /** The container components that take this configuration and have not made a configuration of it yet. */
    private List<String> notTaken(Configuration configuration, Path file) {
        String pid = configuration.getPid();
        String target = configuration.getFactoryPid() != null ? configuration.getFactoryPid() : pid;
        List<String> missing = new ArrayList<>();
        List<Bundle> container = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (containerBundles.isContainer(bundle)) {
                container.add(bundle); // their components only: with many plugins, theirs are most of SCR's
            }
        }
        for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs(container.toArray(
                new Bundle[0]))) {
            if (!components.isComponentEnabled(description)
                    || "ignore".equals(description.configurationPolicy)
                    || !List.of(description.configurationPid).contains(target)) {
                continue;
            }
            boolean taken = false;
            for (ComponentConfigurationDTO made : components.getComponentConfigurationDTOs(description)) {
                taken |= names(made.properties.get(Constants.SERVICE_PID), pid);
            }
            if (!taken) {
                missing.add("component " + description.name + " has not taken " + file.getFileName() + " yet");
            }
        }
        return missing;
    }

    /** Whether a {@code service.pid} value (one PID, or several for a component with several) names {@code pid}. */
    private static boolean names(Object value, String pid) {
        if (value instanceof String[] pids) {
            return List.of(pids).contains(pid);
        }
        if (value instanceof Collection<?> pids) {
            return pids.contains(pid);
        }
        return pid.equals(value);
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException | RuntimeException gone) {
            return path.toAbsolutePath().normalize();
        }
    }
}
