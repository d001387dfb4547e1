package org.carehost.plugins.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import org.osgi.framework.Bundle;

/**
 * A copy of the jar a plugin runs from, written from its entries ({@link Bundle#getEntryPaths}, {@link Bundle#getEntry}:
 * the bundle's own, byte for byte, signature files included, never resolving it) before {@code plugin:update}, so that
 * an update whose new version cannot be resolved, is refused or fails to start puts the running version back. The
 * framework keeps no earlier revision to return to once an update is refreshed, and its cache's layout is its own.
 */
final class RevisionCopy {

    private RevisionCopy() {
    }

    /** Writes the copy to a new temporary file, which the caller deletes. */
    static Path of(Bundle bundle) throws IOException {
        Path copy = Files.createTempFile("carehost-previous-", ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy))) {
            // the manifest first, where JarInputStream (Felix reading an update's stream) looks for it
            copyEntry(bundle, JarFile.MANIFEST_NAME, out);
            Deque<String> folders = new ArrayDeque<>();
            folders.add("/");
            while (!folders.isEmpty()) {
                Enumeration<String> paths = bundle.getEntryPaths(folders.poll());
                while (paths != null && paths.hasMoreElements()) {
                    String path = paths.nextElement();
                    if (path.endsWith("/")) {
                        out.putNextEntry(new ZipEntry(path));
                        out.closeEntry();
                        folders.add(path);
                    } else if (!path.equals(JarFile.MANIFEST_NAME)) {
                        copyEntry(bundle, path, out);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return copy;
    }

    private static void copyEntry(Bundle bundle, String path, JarOutputStream out) throws IOException {
        URL entry = bundle.getEntry(path);
        if (entry == null) {
            return;
        }
        out.putNextEntry(new ZipEntry(path));
        try (InputStream in = entry.openStream()) {
            in.transferTo(out);
        }
        out.closeEntry();
    }
}
