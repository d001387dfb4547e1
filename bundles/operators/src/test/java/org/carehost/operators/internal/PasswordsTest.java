package org.carehost.operators.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

class PasswordsTest {

    @Test
    void hashesWithSixHundredThousandIterationsAndASaltEach() {
        Passwords passwords = new Passwords(new SecureRandom());
        String first = passwords.hash("correct horse battery".toCharArray());
        String second = passwords.hash("correct horse battery".toCharArray());
        assertTrue(first.startsWith("pbkdf2-sha256$600000$"), first);
        assertNotEquals(first, second, "each hash has its own salt");
        assertTrue(passwords.matches("correct horse battery".toCharArray(), first));
        assertFalse(passwords.matches("correct horse batterz".toCharArray(), first));
        assertEquals(600_000, Passwords.ITERATIONS);
    }

    @Test
    void aMalformedStoredHashNeverMatches() {
        Passwords passwords = new Passwords(new SecureRandom(), 1000);
        assertFalse(passwords.matches("x".toCharArray(), null));
        assertFalse(passwords.matches("x".toCharArray(), "pbkdf2-sha256$1000$!!$!!"));
        assertFalse(passwords.matches("x".toCharArray(), "plain"));
    }

    @Test
    void refusesShortPasswordsAndControlCharacters() {
        assertThrows(IllegalArgumentException.class, () -> Passwords.checkStrength("short".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> Passwords.checkStrength("twelve chars\n!".toCharArray()));
        Passwords.checkStrength("twelve chars".toCharArray());
    }
}
