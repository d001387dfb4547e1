package org.carehost.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * The HTTP listener's JSON mappers, each made at its first use (a holder class each), not when the servlets are: making
 * the first ObjectMapper loads and initialises some 300 of Jackson's classes, which a start pays for on its own
 * threads although no request has come. Both are shared by every servlet and route (an ObjectMapper is safe to share
 * once configured).
 */
final class Json {

    private Json() {
    }

    /** The API's ({@code /api/v1}): dates as ISO-8601 text, an {@link java.time.Instant} as its {@code toString()}. */
    static ObjectMapper api() {
        return Api.MAPPER;
    }

    /** Jackson's defaults: health, metrics and the catalog's routes. */
    static ObjectMapper plain() {
        return Plain.MAPPER;
    }

    private static final class Api {
        static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .registerModule(new SimpleModule("carehost-times").addSerializer(java.time.Instant.class,
                        ToStringSerializer.instance));
    }

    private static final class Plain {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
