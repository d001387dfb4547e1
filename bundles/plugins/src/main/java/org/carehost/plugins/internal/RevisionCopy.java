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

    /**
     * The most a copy holds, unpacked, as the security manager's scan reads at most (256 MiB): a plugin whose entries
     * inflate past it (8 GiB of zeros in an 8 MB jar held {@code plugin:update} for 40 s in red team 14's run) cannot
     * be updated with a copy to put back, and is told so before anything changes.
     */
    static final long MAX_BYTES = 256L << 20;

    private RevisionCopy() {
    }

    /**
     * Writes the copy to a new temporary file, which the caller deletes.
     *
     * @throws IOException also when the entries come to more than {@link #MAX_BYTES}, or the thread is interrupted
     */
    static Path of(Bundle bundle) throws IOException {
        Path copy = Files.createTempFile("carehost-previous-", ".jar");
        long[] left = {MAX_BYTES};
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy))) {
            // the manifest first, where JarInputStream (Felix reading an update's stream) looks for it
            copyEntry(bundle, JarFile.MANIFEST_NAME, out, left);
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
                        copyEntry(bundle, path, out, left);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return copy;
    }

    private static void copyEntry(Bundle bundle, String path, JarOutputStream out, long[] left) throws IOException {
        URL entry = bundle.getEntry(path);
        if (entry == null) {
            return;
        }
        out.putNextEntry(new ZipEntry(path));
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = entry.openStream()) {
            for (int read; (read = in.read(buffer)) >= 0;) {
                left[0] -= read;
                if (left[0] < 0) {
                    throw new IOException("its entries come to more than " + (MAX_BYTES >> 20) + " MiB unpacked");
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("interrupted while copying it");
                }
                out.write(buffer, 0, read);
            }
        }
        out.closeEntry();
    }
}
