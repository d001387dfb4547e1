package org.carehost.plugins.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

import org.carehost.plugins.PluginException;

/** Where a plugin comes from: a local file, or a URL fetched into a temporary file first. */
final class PluginSource {
    final String location;
    final Path localFile;
    final URL remote;

    private PluginSource(String location, Path localFile, URL remote) {
        this.location = location;
        this.localFile = localFile;
        this.remote = remote;
    }

    static PluginSource of(String pathOrUrl) throws PluginException {
        if (pathOrUrl == null || pathOrUrl.isBlank()) {
            throw new PluginException("Give the path or URL of a bundle jar.");
        }
        String text = pathOrUrl.trim();
        if (text.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !text.matches("^[a-zA-Z]:[\\\\/].*")) {
            try {
                URI uri = new URI(text);
                if ("file".equalsIgnoreCase(uri.getScheme())) {
                    Path path = Paths.get(uri).toAbsolutePath().normalize();
                    return new PluginSource(PluginBundles.locationOf(path), path, null);
                }
                return new PluginSource(text, null, uri.toURL());
            } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
                throw new PluginException("'" + text + "' is neither a readable file nor a valid URL: "
                        + e.getMessage(), e);
            }
        }
        try {
            Path path = Paths.get(text).toAbsolutePath().normalize();
            return new PluginSource(PluginBundles.locationOf(path), path, null);
        } catch (InvalidPathException e) {
            throw new PluginException("'" + text + "' is not a valid path: " + e.getMessage(), e);
        }
    }

    Path localCopy() throws IOException {
        if (localFile != null) {
            return localFile;
        }
        Path temp = Files.createTempFile("carehost-plugin-", ".jar");
        try (InputStream in = remote.openStream()) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    void discard(Path file) throws IOException {
        if (localFile == null) {
            Files.deleteIfExists(file);
        }
    }
}
