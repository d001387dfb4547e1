package org.carehost.wasm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.extism.sdk.chicory.http.ExtismHttpException;
import org.extism.sdk.chicory.http.HttpJsonCodec;
import org.junit.jupiter.api.Test;

/** Extism's HTTP request JSON as a module hands it over: read when well formed, refused with a reason when not. */
class GuestHttpJsonTest {

    private final GuestHttp.Json json = new GuestHttp.Json();

    private HttpJsonCodec.RequestMetadata decode(String text) {
        return json.decodeMetadata(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRequestIsReadWithItsMethodAndHeaders() {
        HttpJsonCodec.RequestMetadata request = decode("{\"url\":\"http://127.0.0.1:8080/a?b=c\",\"method\":\"POST\","
                + "\"headers\":{\"Content-Type\":\"application/json\"}}");
        assertEquals("POST", request.method());
        assertEquals("127.0.0.1", request.uri().getHost());
        assertEquals(8080, request.uri().getPort());
        assertEquals(Map.of("Content-Type", "application/json"), request.headers());
        assertEquals("GET", decode("{\"url\":\"http://example.invalid/\"}").method(), "GET when none is named");
    }

    @Test
    void malformedRequestsAreRefusedWithAReason() {
        assertTrue(assertThrows(ExtismHttpException.class, () -> decode("{not json")).getMessage()
                .contains("not valid JSON"));
        assertTrue(assertThrows(ExtismHttpException.class, () -> decode("{\"method\":\"GET\"}")).getMessage()
                .contains("no \"url\""));
        assertTrue(assertThrows(ExtismHttpException.class, () -> decode("{\"url\":\"http://a b/\"}")).getMessage()
                .contains("not a URI"));
    }

    @Test
    void responseHeadersAreOneObject() {
        assertEquals("{\"Set-Cookie\":\"a, b\"}", new String(json.encodeHeaders(Map.of("Set-Cookie", List.of("a", "b"))),
                StandardCharsets.UTF_8));
    }
}
