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
 * nothing else is needed for a GET. Redirects are followed here rather than by the client (whose {@code NORMAL}
 * policy has no room for these rules): at most {@value #MAX_REDIRECTS}, each target checked as the URL itself is
 * (https, or http to loopback; never a local file), and never from https down to http.
 */
final class Fetcher {

    static final long MAX_INDEX_BYTES = 64L << 20;
    static final long MAX_JAR_BYTES = 256L << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final int MAX_REDIRECTS = 5;

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

    /** What a read found: the bytes, and the URL they came from after redirects (relative URLs resolve against it). */
    record Body(byte[] data, URI from) {
    }

    /** The bytes at {@code uri}, at most {@code limit}. */
    Body read(URI uri, long limit) throws CatalogException {
        try {
            Opened opened = open(uri);
            try (InputStream in = opened.body()) {
                byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
                if (data.length > limit) {
                    throw new CatalogException(ShownUrls.shown(uri.toString()) + " is larger than " + (limit >> 20) + " MB; refused.");
                }
                return new Body(data, opened.from());
            }
        } catch (IOException e) {
            throw new CatalogException("Cannot read " + ShownUrls.shown(uri.toString()) + ": "
                    + ShownUrls.scrubAll(describe(e)), e);
        }
    }

    /** Copies what {@code uri} holds into {@code target}, at most {@code limit} bytes. */
    void copy(URI uri, Path target, long limit) throws CatalogException {
        try (InputStream in = open(uri).body(); var out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > limit) {
                    throw new CatalogException(ShownUrls.shown(uri.toString()) + " is larger than " + (limit >> 20) + " MB; refused.");
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new CatalogException("Cannot download " + ShownUrls.shown(uri.toString()) + ": "
                    + ShownUrls.scrubAll(describe(e)), e);
        }
    }

    /** An open body and the URL that answered with it. */
    private record Opened(InputStream body, URI from) {
    }

    /** Opens {@code uri}, following redirects. */
    private Opened open(URI uri) throws IOException {
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            Path path = Paths.get(uri);
            return new Opened(Files.newInputStream(path), uri);
        }
        URI at = uri;
        for (int redirects = 0; ; redirects++) {
            HttpRequest request = HttpRequest.newBuilder(at).timeout(REQUEST_TIMEOUT).GET().build();
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            int status = response.statusCode();
            if (status == 200) {
                return new Opened(response.body(), at);
            }
            response.body().close();
            if (!isRedirect(status)) {
                throw new IOException("the server answered HTTP " + status + (at.equals(uri) ? "" : " at " + at));
            }
            if (redirects == MAX_REDIRECTS) {
                throw new IOException("more than " + MAX_REDIRECTS + " redirects (the last to " + at + ")");
            }
            at = redirectTarget(at, response.headers().firstValue("Location").orElse(null));
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * Where a redirect from {@code from} leads: {@code location} resolved against it, and refused (an
     * {@link IOException} naming both) unless it is https, or http to loopback from http, as a catalog URL must be.
     */
    static URI redirectTarget(URI from, String location) throws IOException {
        if (location == null || location.isBlank()) {
            throw new IOException("a redirect from " + from + " without a Location");
        }
        URI to;
        try {
            to = from.resolve(new URI(location.strip()));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new IOException("a redirect from " + from + " to an invalid URL '" + location + "'", e);
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IOException("a redirect from " + from + " to " + to + ", which is not an https: URL; refused");
        }
        if (scheme.equals("http") && "https".equalsIgnoreCase(from.getScheme())) {
            throw new IOException("a redirect from " + from + " down to plain http (" + to + "); refused");
        }
        try {
            return check(to.toString());
        } catch (CatalogException refused) {
            throw new IOException("a redirect from " + from + " to a URL a catalog may not use: " + refused.getMessage());
        }
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
