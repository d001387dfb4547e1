package org.carehost.plugins.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

import org.osgi.framework.Version;

/**
 * Says, before anything is installed, why a file cannot be a plugin: it is empty, not a zip,
 * has no manifest, or its manifest does not make it an OSGi bundle (or gives an invalid Bundle-Version).
 * Returns null when it can.
 */
final class BundleFileCheck {

    private BundleFileCheck() {
    }

    static String problem(Path file) {
        return problem(file, file.getFileName().toString());
    }

    /** {@link #problem(Path)}, naming the file {@code shownAs} (a URL it was downloaded from, not its temporary copy). */
    static String problem(Path file, String shownAs) {
        if (!Files.exists(file)) {
            return file + " does not exist.";
        }
        if (!Files.isRegularFile(file)) {
            return file + " is not a file.";
        }
        if (!Files.isReadable(file)) {
            return file + " cannot be read (permissions).";
        }
        try {
            if (Files.size(file) == 0) {
                return shownAs + " is empty (0 bytes), not a bundle jar.";
            }
        } catch (IOException e) {
            return file + " cannot be read: " + e.getMessage();
        }
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            Manifest manifest = JarManifests.read(jar, shownAs);
            if (manifest == null) {
                return shownAs + " is a jar without a manifest (META-INF/MANIFEST.MF), not a bundle.";
            }
            Attributes main = manifest.getMainAttributes();
            if (main.getValue("Bundle-SymbolicName") == null) {
                return shownAs + " is a plain jar, not an OSGi bundle: its manifest has no "
                        + "Bundle-SymbolicName (build it with bnd or the bnd-maven-plugin).";
            }
            if (!"2".equals(trim(main.getValue("Bundle-ManifestVersion")))) {
                return shownAs + " is not an OSGi R4+ bundle: Bundle-ManifestVersion is not 2.";
            }
            String version = main.getValue("Bundle-Version");
            if (version != null) {
                try {
                    Version.parseVersion(version);
                } catch (IllegalArgumentException e) {
                    return shownAs + " has an invalid Bundle-Version '" + version + "' (" + e.getMessage()
                            + "): a version is major.minor.micro.qualifier, numbers then letters, digits, _ or -; "
                            + "fix the header (bnd: Bundle-Version) and rebuild.";
                }
            }
            return null;
        } catch (JarManifests.TooLarge e) {
            return e.getMessage();
        } catch (ZipException e) {
            return shownAs + " is not a valid jar (corrupt or not a zip file: " + e.getMessage() + ").";
        } catch (IOException | SecurityException e) {
            return shownAs + " cannot be read as a jar: " + e.getMessage();
        }
    }

    /**
     * The symbolic name the file's manifest gives (without its directives), or null if it cannot be read: for a file
     * {@link #problem} passed.
     */
    static String symbolicName(Path file) {
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            Manifest manifest = JarManifests.read(jar, file.getFileName().toString());
            String header = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            if (header == null) {
                return null;
            }
            int directives = header.indexOf(';');
            return (directives < 0 ? header : header.substring(0, directives)).trim();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /**
     * Why {@code file} cannot update {@code current}, a plugin of that symbolic name, or null: an update keeps a
     * plugin's name (another name is another plugin; the framework would have let it replace this one in place).
     */
    static String otherPlugin(Path file, String current) {
        String named = symbolicName(file);
        if (named == null || named.equals(current)) {
            return null;
        }
        return file.getFileName() + " is plugin " + named + ", not " + current + ": an update keeps a plugin's name "
                + "(plugin:install adds " + named + " as a plugin of its own). Nothing was changed.";
    }

    /**
     * Why {@code file} cannot be installed beside the plugins {@code installed}, or null: one of them has its symbolic
     * name. A plugin is one bundle, from one place: two versions side by side would both run (two validators checking
     * every write; tryout 14 uploaded one beside the deploy folder's), so another version is an update of that one.
     */
    static String sameNameInstalled(Path file, Iterable<org.osgi.framework.Bundle> installed, Path deployDir) {
        String named = symbolicName(file);
        if (named == null) {
            return null;
        }
        for (org.osgi.framework.Bundle bundle : installed) {
            if (named.equals(bundle.getSymbolicName())) {
                return "plugin " + named + " " + bundle.getVersion() + " is installed already (id " + bundle.getBundleId()
                        + ", from " + bundle.getLocation() + "); a plugin runs in one version: plugin:update " + named
                        + " <jar> replaces it" + (isIn(PluginBundles.pathOf(bundle.getLocation()), deployDir)
                        ? " (or replace its file in the deploy folder)" : "") + ". Nothing was changed.";
            }
        }
        return null;
    }

    private static boolean isIn(Path file, Path dir) {
        return file != null && dir != null && file.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize());
    }

    private static String trim(String value) {
        return value == null ? null : value.trim();
    }
}
