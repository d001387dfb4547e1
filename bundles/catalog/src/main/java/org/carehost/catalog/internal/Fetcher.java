package org.carehost.catalog.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;

import org.carehost.catalog.CatalogException;

/**
 * Reads catalog indexes and bundle jars from {@code file:}, {@code https:} and loopback {@code http:} URLs, with
 * time and size limits. A remote catalog may not point at local files. The JDK's HTTP client does the transfer:
 * nothing else is needed for a GET.
 */
final class Fetcher {

    static final long MAX_INDEX_BYTES = 64L << 20;
    static final long MAX_JAR_BYTES = 256L << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * A catalog location as given: a URL as it is, a local path (no scheme: {@code catalog/index.xml}) as the
     * {@code file:} URL of its absolute path.
     */
    static String normalize(String location) throws CatalogException {
        if (location == null || location.isBlank()) {
            throw new CatalogException("Give the catalog's index: a path, file:/path/index.xml or https://host/index.xml.");
        }
        String text = location.strip();
        if (text.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !text.matches("^[a-zA-Z]:[\\\\/].*")) {
            return text;
        }
        try {
            return Paths.get(text).toAbsolutePath().normalize().toUri().toString();
        } catch (java.nio.file.InvalidPathException e) {
            throw new CatalogException("'" + text + "' is neither a URL nor a valid path: " + e.getMessage());
        }
    }

    /** Checks that {@code url} is a URL the catalog may read; returns it parsed. */
    static URI check(String url) throws CatalogException {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new CatalogException("'" + url + "' is not a valid URL: give file:/path/index.xml or https://host/index.xml.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "file":
            case "https":
                return uri;
            case "http":
                if (isLoopback(uri.getHost())) {
                    return uri;
                }
                throw new CatalogException("'" + url + "' uses plain http: only loopback http: is allowed (tests); "
                        + "serve the catalog over https:.");
            default:
                throw new CatalogException("'" + url + "' is not a file: or https: URL; a catalog is read from "
                        + "file:/path/index.xml or https://host/index.xml.");
        }
    }

    /** Checks that a resource's URL may be read from a catalog at {@code catalog}: no local file from a remote one. */
    static URI checkFrom(URI catalog, String url) throws CatalogException {
        URI uri = check(url);
        if ("file".equalsIgnoreCase(uri.getScheme()) && !"file".equalsIgnoreCase(catalog.getScheme())) {
            throw new CatalogException("The catalog at " + catalog + " points at a local file (" + url
                    + "); a remote catalog may only offer remote jars.");
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The bytes at {@code uri}, at most {@code limit}. */
    byte[] read(URI uri, long limit) throws CatalogException {
        try (InputStream in = open(uri)) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (data.length > limit) {
                throw new CatalogException(uri + " is larger than " + (limit >> 20) + " MB; refused.");
            }
            return data;
        } catch (IOException e) {
            throw new CatalogException("Cannot read " + uri + ": " + describe(e), e);
        }
    }

    /** Copies what {@code uri} holds into {@code target}, at most {@code limit} bytes. */
    void copy(URI uri, Path target, long limit) throws CatalogException {
        try (InputStream in = open(uri); var out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > limit) {
                    throw new CatalogException(uri + " is larger than " + (limit >> 20) + " MB; refused.");
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new CatalogException("Cannot download " + uri + ": " + describe(e), e);
        }
    }

    private InputStream open(URI uri) throws IOException {
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            Path path = Paths.get(uri);
            return Files.newInputStream(path);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("the server answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused (is the server up?)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
