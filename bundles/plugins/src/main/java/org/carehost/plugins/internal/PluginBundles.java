package org.carehost.plugins.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

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

    private static final int MAX_PATHS = 10_000;
    private static final int MAX_NAMES = 10_000;
    private static final java.util.Map<String, java.util.Optional<Path>> PATHS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final BundleContext context;
    private final ContainerBundles rule;
    private final Path deployDir;
    private final java.util.Map<Path, NameOfFile> names = new java.util.concurrent.ConcurrentHashMap<>();

    /** A jar's symbolic name (null: none) as read when the file had this size and modification time. */
    private record NameOfFile(long size, long modified, String name) {
    }

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
        String symbolicName = symbolicName(file);
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
        String symbolicName = symbolicName(file);
        if (symbolicName == null) {
            return null;
        }
        Path path = file.toAbsolutePath().normalize();
        java.util.Set<Path> installed = installedFiles();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(deployDir)) {
            return files.filter(other -> other.getFileName().toString().endsWith(".jar"))
                    .map(other -> other.toAbsolutePath().normalize())
                    .filter(other -> other.getFileName().toString().compareTo(path.getFileName().toString()) < 0)
                    .filter(other -> !installed.contains(other) && symbolicName.equals(symbolicName(other)))
                    .sorted().findFirst().orElse(null);
        } catch (IOException noFolder) {
            return null;
        }
    }

    /**
     * The deploy folder's jars that are not installed, by symbolic name, each name's files in path order: one look at
     * the folder for all the questions of one pass over it ({@link #earlierTwin(Path, java.util.Map)} per file).
     * Asked file by file, each question read the folder and every other jar's name: a pass was quadratic.
     */
    java.util.Map<String, List<Path>> notInstalledJarsByName() {
        java.util.Set<Path> installed = installedFiles();
        java.util.Map<String, List<Path>> byName = new java.util.HashMap<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(deployDir)) {
            files.filter(other -> other.getFileName().toString().endsWith(".jar"))
                    .map(other -> other.toAbsolutePath().normalize())
                    .filter(other -> !installed.contains(other))
                    .sorted()
                    .forEach(other -> {
                        String name = symbolicName(other);
                        if (name != null) {
                            byName.computeIfAbsent(name, key -> new ArrayList<>()).add(other);
                        }
                    });
        } catch (IOException noFolder) {
            return java.util.Map.of();
        }
        return byName;
    }

    /** {@link #earlierTwin(Path)}, answered from {@link #notInstalledJarsByName()} taken once for a pass. */
    Path earlierTwin(Path file, java.util.Map<String, List<Path>> notInstalled) {
        String symbolicName = symbolicName(file);
        if (symbolicName == null) {
            return null;
        }
        String fileName = file.getFileName().toString();
        for (Path other : notInstalled.getOrDefault(symbolicName, List.of())) {
            if (other.getFileName().toString().compareTo(fileName) < 0) {
                return other;
            }
        }
        return null;
    }

    /**
     * {@link #symbolicNameOf}, remembered while the file's size and modification time stay the same: the deploy
     * watcher asks about each new jar, and each question reads the names of the other jars not installed, so with
     * hundreds of new jars (a first start) reading every manifest each time was quadratic.
     */
    String symbolicName(Path jarFile) {
        Path path = jarFile.toAbsolutePath().normalize();
        java.nio.file.attribute.BasicFileAttributes attributes;
        try {
            attributes = java.nio.file.Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (IOException | RuntimeException unreadable) {
            names.remove(path);
            return null;
        }
        NameOfFile known = names.get(path);
        long modified = attributes.lastModifiedTime().toMillis();
        if (known != null && known.size == attributes.size() && known.modified == modified) {
            return known.name;
        }
        String name = symbolicNameOf(path);
        if (names.size() > MAX_NAMES) {
            names.clear();
        }
        names.put(path, new NameOfFile(attributes.size(), modified, name));
        return name;
    }

    /** The Bundle-SymbolicName in a jar's manifest, or null when there is none or the jar is unreadable. */
    static String symbolicNameOf(Path jarFile) {
        try {
            java.util.jar.Manifest manifest = JarManifests.read(jarFile);
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

    /**
     * The local file behind a bundle location, or null when it is not a file location. Remembered per location (a
     * pure function of the text, in one working directory): the deploy watcher's questions compare a file with every
     * installed bundle's location.
     */
    static Path pathOf(String location) {
        java.util.Optional<Path> known = PATHS.get(location);
        if (known == null) {
            if (PATHS.size() > MAX_PATHS) {
                PATHS.clear();
            }
            known = java.util.Optional.ofNullable(parsePath(location));
            PATHS.put(location, known);
        }
        return known.orElse(null);
    }

    private static Path parsePath(String location) {
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

    /**
     * The file in the deploy folder that {@code name} points at, installed or not, or null: a file name
     * ({@code x.jar}), one under the folder's name ({@code deploy/x.jar}), or an absolute path into the folder.
     */
    Path deployFile(String name) {
        if (name == null || name.isBlank() || name.trim().chars().allMatch(Character::isDigit)) {
            return null;
        }
        Path dir = deployDir();
        Path candidate;
        try {
            Path given = Path.of(name.trim());
            candidate = given.isAbsolute() ? given.normalize() : dir.resolve(given.getFileName()).normalize();
        } catch (RuntimeException invalidPath) {
            return null;
        }
        if (!candidate.startsWith(dir) || !java.nio.file.Files.exists(candidate)) {
            return null;
        }
        return candidate;
    }

    /**
     * Finds a plugin by bundle id, symbolic name (case-insensitive) or the name of its file in the deploy folder
     * ({@code hello.jar}, as {@code plugin:why} took it; tryout 16 #20); a plain-words error otherwise. The one
     * definition of naming a plugin, for every {@code plugin:} command.
     */
    Bundle find(String name) throws PluginException {
        if (name == null || name.isBlank()) {
            throw new PluginException("Name a plugin by its id or symbolic name (plugin:list shows them).");
        }
        String wanted = name.trim();
        if (wanted.chars().allMatch(Character::isDigit)) {
            Bundle bundle = context.getBundle(parseId(wanted));
            if (bundle == null) {
                throw new org.carehost.plugins.PluginNotFoundException("No plugin with id " + wanted);
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
            Path file = deployFile(wanted);
            Bundle fromFile = file == null ? null : installedFrom(file);
            if (fromFile != null && isPlugin(fromFile)) {
                return fromFile;
            }
            for (Bundle bundle : context.getBundles()) {
                if (wanted.equalsIgnoreCase(bundle.getSymbolicName())) {
                    throw new PluginException("Bundle " + bundle.getBundleId() + " (" + bundle.getSymbolicName()
                            + ") is part of the container, not a plugin; use lb and the bundle commands for it.");
                }
            }
            throw new org.carehost.plugins.PluginNotFoundException("No plugin named '" + wanted + "'");
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
