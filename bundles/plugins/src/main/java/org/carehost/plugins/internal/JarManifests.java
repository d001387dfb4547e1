package org.carehost.plugins.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A deploy jar's manifest, read with a bound. {@link JarFile#getManifest()} reads the manifest whole, however large it
 * is once inflated (the JDK bounds only signature files): a 4 MB jar whose one header ran over 1.2 GB of continuation
 * lines made the container's own checks of the deploy folder run out of memory, at every start (red team). Real
 * manifests are kilobytes (bnd's largest, with hundreds of packages, some tens); {@value #MAX_BYTES} bytes is far
 * above any, and a jar past it is refused by name before the framework or the deploy watcher reads it
 * ({@link OversizedManifests}).
 */
final class JarManifests {

    /** The largest manifest read: 1 MiB. */
    static final int MAX_BYTES = 1 << 20;

    private JarManifests() {
    }

    /** Thrown for a manifest larger than {@link #MAX_BYTES}. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String jar) {
            super(jar + " has a manifest (META-INF/MANIFEST.MF) larger than " + (MAX_BYTES >> 10) + " KiB; no bundle's "
                    + "is near that: rebuild it with a manifest of its own headers");
        }
    }

    /** The manifest, or null when the jar has none; {@link TooLarge} past the bound. */
    static Manifest read(JarFile jar, String name) throws IOException {
        JarEntry entry = entry(jar);
        if (entry == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = jar.getInputStream(entry)) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0) {
                if (bytes.size() + read > MAX_BYTES) {
                    throw new TooLarge(name);
                }
                bytes.write(buffer, 0, read);
            }
        }
        return new Manifest(new ByteArrayInputStream(bytes.toByteArray()));
    }

    /** The manifest of the jar file, read as {@link #read(JarFile, String)} does. */
    static Manifest read(Path file) throws IOException {
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            return read(jar, String.valueOf(file.getFileName()));
        }
    }

    /** Whether the file is a jar whose manifest is past the bound (false when it is no readable jar). */
    static boolean tooLarge(Path file) {
        try {
            read(file);
            return false;
        } catch (TooLarge e) {
            return true;
        } catch (IOException | RuntimeException other) {
            return false;
        }
    }

    /** As {@link JarFile#getManifest()} finds it: the exact name, else the first entry of that name in any case. */
    private static JarEntry entry(JarFile jar) {
        JarEntry exact = jar.getJarEntry(JarFile.MANIFEST_NAME);
        if (exact != null) {
            return exact;
        }
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
            JarEntry candidate = entries.nextElement();
            if (candidate.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                return candidate;
            }
        }
        return null;
    }
}
