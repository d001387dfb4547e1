package org.carehost.operators.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TotpTest {

    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void matchesTheSha1VectorsOfRfc6238() {
        assertEquals("94287082", Totp.code(RFC_SECRET, Totp.step(59), 8));
        assertEquals("07081804", Totp.code(RFC_SECRET, Totp.step(1111111109), 8));
        assertEquals("14050471", Totp.code(RFC_SECRET, Totp.step(1111111111), 8));
        assertEquals("89005924", Totp.code(RFC_SECRET, Totp.step(1234567890), 8));
        assertEquals("69279037", Totp.code(RFC_SECRET, Totp.step(2000000000), 8));
    }

    @Test
    void acceptsOneStepOfDriftAndNeverTheSameStepTwice() {
        long now = 1_700_000_000L;
        long step = Totp.step(now);
        String previous = Totp.code(RFC_SECRET, step - 1, 6);
        assertEquals(step - 1, Totp.matchingStep(RFC_SECRET, previous, now, -1));
        assertEquals(-1, Totp.matchingStep(RFC_SECRET, previous, now, step - 1), "a used step is not accepted again");
        assertEquals(-1, Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 2, 6), now, -1));
        assertEquals(-1, Totp.matchingStep(RFC_SECRET, "12345", now, -1));
        assertEquals(-1, Totp.matchingStep(RFC_SECRET, null, now, -1));
    }

    @Test
    void base32RoundTripsAsRfc4648Says() {
        assertEquals("MZXW6YTBOI", Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Totp.unbase32("MZXW6YTBOI======"));
        assertArrayEquals(RFC_SECRET, Totp.unbase32(Totp.base32(RFC_SECRET)));
    }
}
