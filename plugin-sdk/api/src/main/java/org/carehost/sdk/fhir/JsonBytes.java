package org.carehost.sdk.fhir;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Writes the JSON {@link FhirJson} produces straight into UTF-8 bytes, with the calls of Jackson's streaming
 * generator that it uses, and byte for byte the same output as that generator with its default settings (the same
 * escapes: {@code \"}, {@code \\}, {@code \b \t \n \f \r}, other control characters and every UTF-16
 * surrogate, paired or not, as a six-character backslash-u escape).
 *
 * <p>Written here rather than taken from Jackson because of a measurement: in the container, making, using and closing
 * a Jackson generator for one patient took about 7.4 of the 27 microseconds a WebAssembly plugin's {@code patient_get}
 * cost (JFR samples, {@code benchmarks/WasmRoundTrip} warmed up), against 16 for the Java plugin's whole read; with this
 * writer, and the instant written by hand rather than through {@code DateTimeFormatter}, the JSON took about 3.4 of
 * 23 (the same profile after the change). Out of the container, one patient: about 1,000 ns with the generator, 450 to
 * 550 ns with this. Reading stays with Jackson. The shape is fixed by {@link FhirJson}'s own code, so the writer tracks only
 * whether a comma is due at each depth; it does not check that objects and arrays are closed in order.
 */
final class JsonBytes {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** Instants from 1970 to the end of 9999 are written by hand; others as {@link Instant#toString()} writes them. */
    private static final long END_OF_9999 = 253_402_300_800L;
    private static final int MAX_DEPTH = 32;

    private byte[] out = new byte[1024];
    private int size;
    /** Whether the container open at each depth already holds a value (so the next one needs a comma). */
    private final boolean[] filled = new boolean[MAX_DEPTH];
    private int depth;

    byte[] toByteArray() {
        return Arrays.copyOf(out, size);
    }

    void writeStartObject() {
        beforeValue();
        open('{');
    }

    void writeObjectFieldStart(String name) {
        fieldName(name);
        open('{');
    }

    void writeArrayFieldStart(String name) {
        fieldName(name);
        open('[');
    }

    void writeEndObject() {
        close('}');
    }

    void writeEndArray() {
        close(']');
    }

    void writeStringField(String name, String value) {
        fieldName(name);
        string(value);
    }

    /** A string element of the open array. */
    void writeString(String value) {
        beforeValue();
        string(value);
    }

    /** The instant as {@link Instant#toString()} writes it (ISO-8601, UTC, 0, 3, 6 or 9 fraction digits). */
    void writeInstantField(String name, Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < 0 || seconds >= END_OF_9999) {
            writeStringField(name, instant.toString());
            return;
        }
        fieldName(name);
        ensure(32);
        LocalDate date = LocalDate.ofEpochDay(seconds / 86_400);
        int time = (int) (seconds % 86_400);
        out[size++] = '"';
        digits(date.getYear(), 4);
        out[size++] = '-';
        digits(date.getMonthValue(), 2);
        out[size++] = '-';
        digits(date.getDayOfMonth(), 2);
        out[size++] = 'T';
        digits(time / 3600, 2);
        out[size++] = ':';
        digits(time / 60 % 60, 2);
        out[size++] = ':';
        digits(time % 60, 2);
        int nano = instant.getNano();
        if (nano > 0) {
            out[size++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(nano / 1000, 6);
            } else {
                digits(nano, 9);
            }
        }
        out[size++] = 'Z';
        out[size++] = '"';
    }

    private void digits(int value, int count) {
        for (int i = size + count - 1; i >= size; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += count;
    }

    private void open(char bracket) {
        if (depth == MAX_DEPTH - 1) {
            throw new IllegalStateException("JSON nested deeper than " + (MAX_DEPTH - 1));
        }
        ensure(1);
        out[size++] = (byte) bracket;
        filled[++depth] = false;
    }

    private void close(char bracket) {
        ensure(1);
        out[size++] = (byte) bracket;
        depth--;
    }

    private void fieldName(String name) {
        beforeValue();
        string(name);
        ensure(1);
        out[size++] = ':';
    }

    private void beforeValue() {
        if (filled[depth]) {
            ensure(1);
            out[size++] = ',';
        }
        filled[depth] = true;
    }

    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, all ASCII here
    private void string(String value) {
        if (value == null) { // as the generator writes a null string: the JSON literal
            ensure(4);
            out[size++] = 'n';
            out[size++] = 'u';
            out[size++] = 'l';
            out[size++] = 'l';
            return;
        }
        int length = value.length();
        if (plain(value, length)) {
            // printable ASCII with nothing to escape, the usual case: one bulk copy of the chars' low bytes
            ensure(length + 2);
            byte[] bytes = out;
            bytes[size] = '"';
            value.getBytes(0, length, bytes, size + 1);
            bytes[size + 1 + length] = '"';
            size += length + 2;
            return;
        }
        ensure(length * 6 + 2); // the most one char can take: a six-byte escape
        byte[] bytes = out;
        int at = size;
        bytes[at++] = '"';
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    bytes[at++] = (byte) c;
                } else {
                    at = escape(bytes, at, c);
                }
            } else if (c < 0x800) {
                bytes[at++] = (byte) (0xC0 | c >> 6);
                bytes[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                // as Jackson's generator writes them by default: each half of a pair (and a lone one) escaped
                at = unicodeEscape(bytes, at, c);
            } else {
                bytes[at++] = (byte) (0xE0 | c >> 12);
                bytes[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        bytes[at++] = '"';
        size = at;
    }

    /**
     * Whether every char is printable ASCII other than {@code "} and {@code \\}: written as it is, one byte each (a
     * read-only pass, cheaper than writing char by char).
     */
    private static boolean plain(String value, int length) {
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static int escape(byte[] bytes, int at, char c) {
        bytes[at++] = '\\';
        switch (c) {
            case '"' -> bytes[at++] = '"';
            case '\\' -> bytes[at++] = '\\';
            case '\b' -> bytes[at++] = 'b';
            case '\t' -> bytes[at++] = 't';
            case '\n' -> bytes[at++] = 'n';
            case '\f' -> bytes[at++] = 'f';
            case '\r' -> bytes[at++] = 'r';
            default -> {
                return unicodeEscape(bytes, at - 1, c);
            }
        }
        return at;
    }

    private static int unicodeEscape(byte[] bytes, int at, char c) {
        bytes[at++] = '\\';
        bytes[at++] = 'u';
        bytes[at++] = HEX[c >> 12];
        bytes[at++] = HEX[c >> 8 & 0xF];
        bytes[at++] = HEX[c >> 4 & 0xF];
        bytes[at++] = HEX[c & 0xF];
        return at;
    }

    private void ensure(int more) {
        if (size + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
        }
    }
}
