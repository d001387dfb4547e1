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
                return file.getFileName() + " is empty (0 bytes), not a bundle jar.";
            }
        } catch (IOException e) {
            return file + " cannot be read: " + e.getMessage();
        }
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            Manifest manifest = JarManifests.read(jar, file.getFileName().toString());
            if (manifest == null) {
                return file.getFileName() + " is a jar without a manifest (META-INF/MANIFEST.MF), not a bundle.";
            }
            Attributes main = manifest.getMainAttributes();
            if (main.getValue("Bundle-SymbolicName") == null) {
                return file.getFileName() + " is a plain jar, not an OSGi bundle: its manifest has no "
                        + "Bundle-SymbolicName (build it with bnd or the bnd-maven-plugin).";
            }
            if (!"2".equals(trim(main.getValue("Bundle-ManifestVersion")))) {
                return file.getFileName() + " is not an OSGi R4+ bundle: Bundle-ManifestVersion is not 2.";
            }
            String version = main.getValue("Bundle-Version");
            if (version != null) {
                try {
                    Version.parseVersion(version);
                } catch (IllegalArgumentException e) {
                    return file.getFileName() + " has an invalid Bundle-Version '" + version + "' (" + e.getMessage()
                            + "): a version is major.minor.micro.qualifier, numbers then letters, digits, _ or -; "
                            + "fix the header (bnd: Bundle-Version) and rebuild.";
                }
            }
            return null;
        } catch (JarManifests.TooLarge e) {
            return e.getMessage();
        } catch (ZipException e) {
            return file.getFileName() + " is not a valid jar (corrupt or not a zip file: " + e.getMessage() + ").";
        } catch (IOException | SecurityException e) {
            return file.getFileName() + " cannot be read as a jar: " + e.getMessage();
        }
    }

    private static String trim(String value) {
        return value == null ? null : value.trim();
    }
}
