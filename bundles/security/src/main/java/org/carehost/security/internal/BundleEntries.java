package org.carehost.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.Bundle;

/**
 * The files inside a bundle as the framework holds them. Uses {@link Bundle#getEntryPaths} and
 * {@link Bundle#getEntry}, which never try to resolve the bundle (findEntries would, and this runs inside the
 * resolver).
 */
interface BundleEntries {

    /** Every file (not directory) path, e.g. {@code org/example/Plugin.class}; refuses absurd nesting. */
    List<String> files() throws IOException;

    /** The file's content, or null if it has gone. */
    InputStream open(String path) throws IOException;

    static BundleEntries of(Bundle bundle) {
        return new BundleEntries() {
            @Override
            public List<String> files() throws IOException {
                List<String> files = new ArrayList<>();
                collect(bundle, "/", files, 0);
                return files;
            }

            @Override
            public InputStream open(String path) throws IOException {
                URL url = bundle.getEntry(path);
                return url == null ? null : url.openStream();
            }
        };
    }

    int MAX_DEPTH = 64;
    int MAX_FILES = 100_000;

    private static void collect(Bundle bundle, String dir, List<String> files, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("it nests directories deeper than " + MAX_DEPTH + " (" + dir + ")");
        }
        Enumeration<String> paths = bundle.getEntryPaths(dir);
        if (paths == null) {
            return;
        }
        while (paths.hasMoreElements()) {
            String path = paths.nextElement();
            if (path.endsWith("/")) {
                collect(bundle, path, files, depth + 1);
            } else {
                files.add(path);
                if (files.size() > MAX_FILES) {
                    throw new IOException("it has more than " + MAX_FILES + " entries");
                }
            }
        }
    }
}
