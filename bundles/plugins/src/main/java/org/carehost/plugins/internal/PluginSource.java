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

import org.carehost.plugins.PluginException;

/**
 * Where a plugin comes from: a local file, or an {@code http:}/{@code https:} URL fetched into a temporary file first,
 * bounded in time and size (a server that trickles or never ends its answer held the operator's command, and filled
 * the temporary folder, without end).
 */
final class PluginSource {
    /** The largest jar fetched from a URL (as the catalog's). */
    static final long MAX_BYTES = 256L << 20;
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** The longest wait for any one read. */
    static final int READ_TIMEOUT_MILLIS = 30_000;
    /** The longest a whole fetch may take. */
    static final long FETCH_DEADLINE_MILLIS = 300_000;

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
                String scheme = String.valueOf(uri.getScheme()).toLowerCase(java.util.Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    throw new PluginException("'" + text + "': a plugin is installed from a file or an http: or https: "
                            + "URL, not " + scheme + ":. Download it first, then plugin:install <file>");
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
        return localCopy(MAX_BYTES);
    }

    Path localCopy(long maxBytes) throws IOException {
        if (localFile != null) {
            return localFile;
        }
        Path temp = Files.createTempFile("carehost-plugin-", ".jar");
        java.net.URLConnection connection = remote.openConnection();
        connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        connection.setReadTimeout(READ_TIMEOUT_MILLIS);
        if (connection instanceof java.net.HttpURLConnection http) {
            int status;
            try {
                status = http.getResponseCode();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            if (status / 100 != 2) {
                Files.deleteIfExists(temp);
                String reason = http.getResponseMessage();
                http.disconnect();
                throw new IOException("the server answered HTTP " + status + (reason == null || reason.isBlank() ? ""
                        : " (" + reason.strip() + ")") + ", not the jar; check the URL");
            }
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(FETCH_DEADLINE_MILLIS);
        try (InputStream in = connection.getInputStream();
                java.io.OutputStream out = Files.newOutputStream(temp)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int read; (read = in.read(buffer)) >= 0;) {
                total += read;
                if (total > maxBytes) {
                    throw new IOException(remote + " is larger than " + maxBytes + " bytes, the most a plugin fetched "
                            + "from a URL may be; nothing was installed");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException(remote + " took longer than " + FETCH_DEADLINE_MILLIS / 1000 + " s to "
                            + "download; nothing was installed. Download it yourself, then plugin:install <file>");
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** How the operator named the jar: the URL it came from, or the file (its name) when it is local. */
    String shownAs(Path copy) {
        return remote != null ? remote.toString() : copy.getFileName().toString();
    }

    void discard(Path file) throws IOException {
        if (localFile == null) {
            Files.deleteIfExists(file);
        }
    }
}
