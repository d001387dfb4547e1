package org.carehost.sdk.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/** {@link JsonBytes} writes what Jackson's generator, with its defaults, writes for the same calls, byte for byte. */
class JsonBytesTest {

    private static final List<String> AWKWARD = List.of("", "plain", "quote \" and backslash \\ and slash /",
            "controls \b\t\n\f\r \u0000 \u0001 \u001f \u007f", "Åström Zoë ß", "\u6f22\u5b57 \u20ac \uffff",
            "emoji \ud83d\ude00 pair", "question? marks?", "lone high \ud83d end", "lone low \ude00 end", "x".repeat(5000));

    @Test
    void stringsFieldsAndNestingAreWrittenAsJacksonWritesThem() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (JsonGenerator json = new JsonFactory().createGenerator(expected)) {
            json.writeStartObject();
            for (String value : AWKWARD) {
                json.writeStringField(value, value);
            }
            json.writeObjectFieldStart("inner");
            json.writeArrayFieldStart("list");
            for (String value : AWKWARD) {
                json.writeString(value);
            }
            json.writeString((String) null);
            json.writeStartObject();
            json.writeEndObject();
            json.writeEndArray();
            json.writeArrayFieldStart("empty");
            json.writeEndArray();
            json.writeEndObject();
            json.writeStringField("after", "nesting");
            json.writeStringField("nothing", null);
            json.writeEndObject();
        }
        JsonBytes json = new JsonBytes();
        json.writeStartObject();
        for (String value : AWKWARD) {
            json.writeStringField(value, value);
        }
        json.writeObjectFieldStart("inner");
        json.writeArrayFieldStart("list");
        for (String value : AWKWARD) {
            json.writeString(value);
        }
        json.writeString(null);
        json.writeStartObject();
        json.writeEndObject();
        json.writeEndArray();
        json.writeArrayFieldStart("empty");
        json.writeEndArray();
        json.writeEndObject();
        json.writeStringField("after", "nesting");
        json.writeStringField("nothing", null);
        json.writeEndObject();
        assertEquals(expected.toString(StandardCharsets.UTF_8), new String(json.toByteArray(), StandardCharsets.UTF_8));
    }

    @Test
    void instantsAreWrittenAsInstantWritesThem() {
        Random random = new Random(20261205);
        List<Instant> instants = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(0, 1),
                Instant.ofEpochSecond(59, 120_000_000), Instant.ofEpochSecond(86_399, 123_456_000),
                Instant.parse("2024-02-29T23:59:59.999999999Z"), Instant.parse("9999-12-31T23:59:59Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59.5Z"), Instant.MIN,
                Instant.MAX));
        for (int i = 0; i < 10_000; i++) {
            long seconds = random.nextLong(-5_000_000_000L, 300_000_000_000L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nano));
        }
        for (Instant instant : instants) {
            JsonBytes json = new JsonBytes();
            json.writeStartObject();
            json.writeInstantField("at", instant);
            json.writeEndObject();
            assertEquals("{\"at\":\"" + instant + "\"}", new String(json.toByteArray(), StandardCharsets.UTF_8));
        }
    }
}
