package org.carehost.plugins.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;

import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginOrigin;
import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Which bundles are plugins, and finding one by name. Which bundles are plugins is {@link ContainerBundles}'s answer,
 * the one the security manager gives too: every bundle but the system bundle and those the launcher installed from
 * the run descriptor. Plugins are installed at or above {@code carehost.plugin.startlevel} (default 50; the framework's
 * initial bundle start level is 60), so they start after and stop before the container.
 */
final class PluginBundles {

    static final String DEPLOY_DIR_PROPERTY = "felix.fileinstall.dir";

    private final BundleContext context;
    private final ContainerBundles rule;
    private final Path deployDir;

    PluginBundles(BundleContext context) {
        this.context = context;
        this.rule = new ContainerBundles(context);
        // The watcher may watch several folders (deploy/ for plugins, etc/ for configuration); plugins come from the first.
        String watched = context.getProperty(DEPLOY_DIR_PROPERTY);
        String deploy = watched == null || watched.isBlank() ? "deploy" : watched.split(",")[0].trim();
        this.deployDir = Paths.get(deploy).toAbsolutePath().normalize();
    }

    int pluginStartLevel() {
        return rule.pluginStartLevel();
    }

    Path deployDir() {
        return deployDir;
    }

    boolean isPlugin(Bundle bundle) {
        return rule.isPlugin(bundle);
    }

    List<Bundle> plugins() {
        List<Bundle> plugins = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (isPlugin(bundle)) {
                plugins.add(bundle);
            }
        }
        plugins.sort(Comparator.comparingLong(Bundle::getBundleId));
        return plugins;
    }

    PluginOrigin origin(Bundle bundle) {
        if (bundle.getLocation().startsWith(PluginOrigin.CATALOG_LOCATION_PREFIX)) {
            return PluginOrigin.CATALOG;
        }
        if (bundle.getLocation().startsWith(PluginOrigin.UPLOAD_LOCATION_PREFIX)) {
            return PluginOrigin.UPLOAD;
        }
        Path file = pathOf(bundle.getLocation());
        return file != null && file.startsWith(deployDir) ? PluginOrigin.DEPLOY : PluginOrigin.SHELL;
    }

    /** The local files every installed bundle came from (normalised absolute paths). */
    java.util.Set<Path> installedFiles() {
        java.util.Set<Path> files = new java.util.HashSet<>();
        for (Bundle bundle : context.getBundles()) {
            Path file = pathOf(bundle.getLocation());
            if (file != null) {
                files.add(file);
            }
        }
        return files;
    }

    /** The bundle installed from {@code file}, whatever spelling of its URL the installer used, or null. */
    Bundle installedFrom(Path file) {
        Path wanted = file.toAbsolutePath().normalize();
        for (Bundle bundle : context.getBundles()) {
            if (wanted.equals(pathOf(bundle.getLocation()))) {
                return bundle;
            }
        }
        return null;
    }

    /**
     * The installed bundle with the symbolic name of the jar {@code file} and another location: a plugin comes from
     * one file, so the jar is a duplicate (of the same version or another). Null when none, or the jar is unreadable.
     */
    Bundle ownerOfName(Path file) {
        String symbolicName = symbolicNameOf(file);
        if (symbolicName == null) {
            return null;
        }
        Path path = file.toAbsolutePath().normalize();
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName()) && !path.equals(pathOf(bundle.getLocation()))) {
                return bundle;
            }
        }
        return null;
    }

    /**
     * Another jar in the deploy folder, not installed either, with the same symbolic name and a file name that sorts
     * first: of two new jars with one name, the first by name becomes the plugin. Null when there is none.
     */
    Path earlierTwin(Path file) {
        String symbolicName = symbolicNameOf(file);
        if (symbolicName == null) {
            return null;
        }
        Path path = file.toAbsolutePath().normalize();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(deployDir)) {
            return files.filter(other -> other.getFileName().toString().endsWith(".jar"))
                    .map(other -> other.toAbsolutePath().normalize())
                    .filter(other -> other.getFileName().toString().compareTo(path.getFileName().toString()) < 0)
                    .filter(other -> installedFrom(other) == null && symbolicName.equals(symbolicNameOf(other)))
                    .sorted().findFirst().orElse(null);
        } catch (IOException noFolder) {
            return null;
        }
    }

    /** The Bundle-SymbolicName in a jar's manifest, or null when there is none or the jar is unreadable. */
    static String symbolicNameOf(Path jarFile) {
        try (JarFile jar = new JarFile(jarFile.toFile(), false)) {
            java.util.jar.Manifest manifest = jar.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return value == null ? null : value.split(";")[0].trim();
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** The location a plugin installed from a local file gets: the form the deploy watcher uses too. */
    static String locationOf(Path file) {
        return file.toAbsolutePath().normalize().toFile().toURI().toString();
    }

    /** The local file behind a bundle location, or null when it is not a file location. */
    static Path pathOf(String location) {
        String loc = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        try {
            URI uri = new URI(loc);
            if ("file".equalsIgnoreCase(uri.getScheme())) {
                return Paths.get(uri).toAbsolutePath().normalize();
            }
        } catch (Exception notAUri) {
            // a file: URL written without escaping (a space, say) is no URI; its path is the rest
            if (loc.regionMatches(true, 0, "file:", 0, 5)) {
                try {
                    return Paths.get(loc.substring(5)).toAbsolutePath().normalize();
                } catch (RuntimeException invalidPath) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Finds a plugin by bundle id or symbolic name (case-insensitive); a plain-words error otherwise. */
    Bundle find(String name) throws PluginException {
        if (name == null || name.isBlank()) {
            throw new PluginException("Name a plugin by its id or symbolic name (plugin:list shows them).");
        }
        String wanted = name.trim();
        if (wanted.chars().allMatch(Character::isDigit)) {
            Bundle bundle = context.getBundle(parseId(wanted));
            if (bundle == null) {
                throw new PluginException("No plugin with id " + wanted + " (plugin:list shows the plugins).");
            }
            if (!isPlugin(bundle)) {
                throw new PluginException("Bundle " + wanted + " (" + bundle.getSymbolicName()
                        + ") is part of the container, not a plugin; use lb and the bundle commands for it.");
            }
            return bundle;
        }
        List<Bundle> matches = new ArrayList<>();
        for (Bundle bundle : plugins()) {
            if (bundle.getSymbolicName() != null && bundle.getSymbolicName().toLowerCase(Locale.ROOT)
                    .equals(wanted.toLowerCase(Locale.ROOT))) {
                matches.add(bundle);
            }
        }
        if (matches.isEmpty()) {
            throw new PluginException("No plugin named '" + wanted + "' (plugin:list shows the plugins).");
        }
        if (matches.size() > 1) {
            StringBuilder ids = new StringBuilder();
            for (Bundle bundle : matches) {
                ids.append(ids.length() == 0 ? "" : ", ").append(bundle.getBundleId())
                        .append(" (").append(bundle.getVersion()).append(')');
            }
            throw new PluginException("'" + wanted + "' names " + matches.size()
                    + " plugins; name one by id: " + ids);
        }
        return matches.get(0);
    }

    private static long parseId(String digits) throws PluginException {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLong) {
            throw new PluginException("No plugin with id " + digits + ".");
        }
    }
}
