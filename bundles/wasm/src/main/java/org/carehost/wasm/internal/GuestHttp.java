package org.carehost.wasm.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.carehost.security.PluginDeputy;
import org.extism.sdk.chicory.http.ExtismHttpException;
import org.extism.sdk.chicory.http.HttpClientAdapter;
import org.extism.sdk.chicory.http.HttpJsonCodec;
import org.osgi.framework.Bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Extism's HTTP function for one instance ({@code extism:host/env/http_request}), on the JDK's HTTP client, sent as
 * done for the plugin ({@link GuestReach}). Written here rather than taken from the Extism SDK's client artifacts: the
 * 0.3.0 SDK ships only the interfaces ({@code http-api}), and a request must be sent on the caller's thread inside
 * the plugin's {@link PluginDeputy#actFor}, as a host call for the call's deadline (not interrupted; the deadline is
 * delivered when it returns) bounded by its own timeout, with the plugin's output limit on the body read, none of
 * which a stock adapter does. Only {@code http} and {@code https}; no redirects.
 */
final class GuestHttp implements HttpClientAdapter {

    private final Supplier<HttpClient> client;
    private final PluginDeputy deputy;
    private final Bundle plugin;
    private final InstanceSlot slot;
    private final long timeoutMillis;
    private final int maxResponseBytes;
    private int status;
    private Map<String, List<String>> headers = Map.of();

    GuestHttp(Supplier<HttpClient> client, PluginDeputy deputy, Bundle plugin, InstanceSlot slot, long timeoutMillis,
            int maxResponseBytes) {
        this.client = client;
        this.slot = slot;
        this.deputy = deputy;
        this.plugin = plugin;
        this.timeoutMillis = timeoutMillis;
        this.maxResponseBytes = maxResponseBytes;
    }

    @Override
    public byte[] request(String method, URI uri, Map<String, String> requestHeaders, byte[] body) {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ExtismHttpException("HTTP request to " + uri + " refused: only http and https URLs");
        }
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeoutMillis))
                    .method(method == null ? "GET" : method.toUpperCase(Locale.ROOT), body == null || body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            if (requestHeaders != null) {
                requestHeaders.forEach(builder::header);
            }
            request = builder.build();
        } catch (IllegalArgumentException e) {
            throw new ExtismHttpException("HTTP request to " + uri + " refused: " + e.getMessage());
        }
        HttpResponse<byte[]> response;
        slot.enterHost(); // a host call: the deadline waits for it (the request has its own timeout)
        try {
            HttpClient http = client.get(); // made outside the plugin's work: its threads are the container's
            response = deputy.actFor(plugin, () -> send(http, request));
        } finally {
            slot.leaveHost();
        }
        status = response.statusCode();
        headers = response.headers().map();
        return response.body();
    }

    /** Sends the request and reads the whole answer within the timeout, the body capped at the output limit. */
    private HttpResponse<byte[]> send(HttpClient http, HttpRequest request) {
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, info -> new Capped(maxResponseBytes));
        try {
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof SecurityException) {
                throw (SecurityException) cause; // the run-time agent's refusal, on one of the client's threads
            }
            throw new ExtismHttpException("HTTP request to " + request.uri() + " failed: " + cause.getMessage());
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new ExtismHttpException("HTTP request to " + request.uri() + " got no whole answer within "
                    + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new ExtismHttpException("HTTP request to " + request.uri() + " interrupted");
        }
    }

    /** A response body of at most {@code max} bytes: more cancels the response and fails it. */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Capped(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (bytes.size() + item.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("the response body is over " + max
                            + " bytes (maxOutputBytes)"));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
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
