package org.carehost.wasm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.carehost.security.PluginDeputy;
import org.extism.sdk.chicory.http.ExtismHttpException;
import org.extism.sdk.chicory.http.HttpClientAdapter;
import org.extism.sdk.chicory.http.HttpJsonCodec;
import org.osgi.framework.Bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Extism's HTTP function for one instance ({@code extism:host/env/http_request}), sent as done for the plugin
 * ({@link GuestReach}). Written here rather than taken from the Extism SDK's client artifacts: the 0.3.0 SDK ships
 * only the interfaces ({@code http-api}), and a request must be sent on the caller's thread inside the plugin's
 * {@link PluginDeputy#actFor}, as a host call for the call's deadline (not interrupted; the deadline is delivered when
 * it returns) bounded by its own timeouts, with the plugin's output limit on the body read, none of which a stock
 * adapter does. Only {@code http} and {@code https}; no redirects.
 * <p>
 * On the JDK's {@link HttpURLConnection}, not its {@code java.net.http.HttpClient}: the connection is opened, written
 * and read on the calling thread, so every socket call the run-time agent sees is inside {@code actFor} and decided
 * for the plugin. The asynchronous client did its work on its own threads, so the plugin's request depended on task
 * attribution across them; on JDK 25 its answer was never read (WasmPluginsIT) while JDK 17 passed.
 */
final class GuestHttp implements HttpClientAdapter {

    private final PluginDeputy deputy;
    private final ScheduledExecutorService deadlines;
    private final Bundle plugin;
    private final InstanceSlot slot;
    private final int timeoutMillis;
    private final int maxResponseBytes;
    private int status;
    private Map<String, List<String>> headers = Map.of();

    GuestHttp(PluginDeputy deputy, ScheduledExecutorService deadlines, Bundle plugin, InstanceSlot slot,
            long timeoutMillis, int maxResponseBytes) {
        this.deadlines = deadlines;
        this.slot = slot;
        this.deputy = deputy;
        this.plugin = plugin;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMillis));
        this.maxResponseBytes = maxResponseBytes;
    }

    @Override
    public byte[] request(String method, URI uri, Map<String, String> requestHeaders, byte[] body) {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ExtismHttpException("HTTP request to " + uri + " refused: only http and https URLs");
        }
        URL url;
        try {
            url = uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new ExtismHttpException("HTTP request to " + uri + " refused: " + e.getMessage());
        }
        String verb = method == null || method.isBlank() ? "GET" : method.toUpperCase(Locale.ROOT);
        slot.enterHost(); // a host call: the deadline waits for it (the request has its own timeouts)
        try {
            return deputy.actFor(plugin, () -> send(url, verb, requestHeaders, body));
        } finally {
            slot.leaveHost();
        }
    }

    /** Sends the request and reads the answer on this thread, the body capped at the output limit. */
    private byte[] send(URL url, String verb, Map<String, String> requestHeaders, byte[] body) {
        HttpURLConnection connection = null;
        ScheduledFuture<?> overall = null;
        AtomicBoolean late = new AtomicBoolean();
        try {
            connection = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
            // an authenticator of this request's own: the JDK reuses a kept-alive connection only for a request with
            // the same authenticator, so none opened by other code (checked for its own caller) is taken unchecked
            connection.setAuthenticator(new Authenticator() { });
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(timeoutMillis);
            connection.setReadTimeout(timeoutMillis);
            try {
                connection.setRequestMethod(verb);
            } catch (ProtocolException e) {
                throw new ExtismHttpException("HTTP request to " + url + " refused: method " + verb
                        + " is not supported");
            }
            if (requestHeaders != null) {
                for (Map.Entry<String, String> header : requestHeaders.entrySet()) {
                    if (!token(header.getKey()) || header.getValue() == null
                            || header.getValue().indexOf('\r') >= 0 || header.getValue().indexOf('\n') >= 0) {
                        throw new ExtismHttpException("HTTP request to " + url + " refused: header '"
                                + header.getKey() + "' is not a valid header (name or value)");
                    }
                    connection.setRequestProperty(header.getKey(), header.getValue());
                }
            }
            // no connection kept for a later request: another plugin's request must open (and be checked for) its own
            connection.setRequestProperty("Connection", "close");
            if (body != null && body.length > 0 && (verb.equals("GET") || verb.equals("HEAD"))) {
                // HttpURLConnection would turn a GET with a body into a POST
                throw new ExtismHttpException("HTTP request to " + url + " refused: a " + verb + " has no body");
            }
            // the timeouts bound each connect and read; this bounds the whole request (a server reading or
            // sending a byte just inside each timeout would otherwise hold the call, whose deadline waits for it)
            HttpURLConnection open = connection;
            overall = deadlines.schedule(() -> {
                late.set(true);
                open.disconnect();
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            if (body != null && body.length > 0) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            status = connection.getResponseCode();
            Map<String, List<String>> answered = new LinkedHashMap<>();
            connection.getHeaderFields().forEach((name, values) -> {
                if (name != null) { // the status line
                    answered.put(name, values);
                }
            });
            headers = answered;
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            return in == null ? new byte[0] : capped(in, url);
        } catch (IOException e) {
            if (late.get()) {
                throw new ExtismHttpException("HTTP request to " + url + " got no whole answer within "
                        + timeoutMillis + " ms");
            }
            throw new ExtismHttpException("HTTP request to " + url + " failed: " + e);
        } finally {
            if (overall != null) {
                overall.cancel(false);
            }
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    /** An HTTP header name: a non-empty RFC 9110 token. */
    private static boolean token(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private byte[] capped(InputStream in, URL url) throws IOException {
        try (in) {
            byte[] read = in.readNBytes(maxResponseBytes + 1);
            if (read.length > maxResponseBytes) {
                throw new ExtismHttpException("HTTP request to " + url + ": the response body is over "
                        + maxResponseBytes + " bytes (maxOutputBytes)");
            }
            return read;
        }
    }

    @Override
    public int statusCode() {
        return status;
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** Extism's request metadata ({@code {"url","method","headers"}}) and response headers, with Jackson. */
    static final class Json implements HttpJsonCodec {
        private static final ObjectMapper JSON = new ObjectMapper();

        private record Metadata(String method, URI uri, Map<String, String> headers) implements RequestMetadata {
        }

        @Override
        public RequestMetadata decodeMetadata(byte[] data) {
            JsonNode request;
            try {
                request = JSON.readTree(data);
            } catch (IOException e) {
                throw new ExtismHttpException("the HTTP request is not valid JSON: " + e.getMessage());
            }
            if (request == null || !request.path("url").isTextual()) {
                throw new ExtismHttpException("the HTTP request names no \"url\"");
            }
            URI uri;
            try {
                uri = new URI(request.path("url").asText());
            } catch (java.net.URISyntaxException e) {
                throw new ExtismHttpException("the HTTP request's url is not a URI: " + e.getMessage());
            }
            Map<String, String> headers = new LinkedHashMap<>();
            request.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            return new Metadata(request.path("method").asText("GET"), uri, headers);
        }

        @Override
        public byte[] encodeHeaders(Map<String, List<String>> headers) {
            Map<String, String> joined = new LinkedHashMap<>();
            headers.forEach((name, values) -> joined.put(name, String.join(", ", values)));
            try {
                return JSON.writeValueAsBytes(joined);
            } catch (IOException e) {
                throw new ExtismHttpException("the HTTP response's headers cannot be written: " + e.getMessage());
            }
        }
    }
}
