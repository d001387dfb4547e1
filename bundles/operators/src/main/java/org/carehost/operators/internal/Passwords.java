package org.carehost.operators.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes: PBKDF2-HMAC-SHA256 from the JDK, 600,000 iterations (OWASP's figure for this KDF), a 16-byte random
 * salt, a 32-byte hash, kept as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} so that the count can grow without
 * a migration. JDK only: Argon2 would need a native or a large library, and PBKDF2 at this count meets the issue.
 */
final class Passwords {

    static final int ITERATIONS = 600_000;
    static final int MIN_LENGTH = 12;
    private static final String PREFIX = "pbkdf2-sha256";

    private final SecureRandom random;
    private final int iterations;

    Passwords(SecureRandom random) {
        this(random, ITERATIONS);
    }

    /** A lower count only for unit tests of the format. */
    Passwords(SecureRandom random, int iterations) {
        this.random = random;
        this.iterations = iterations;
    }

    /** Refuses a password too short or with control characters, naming the rule. */
    static void checkStrength(char[] password) {
        if (password == null || password.length < MIN_LENGTH) {
            throw new IllegalArgumentException("A password needs at least " + MIN_LENGTH + " characters");
        }
        for (char c : password) {
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("A password may not contain control characters");
            }
        }
    }

    String hash(char[] password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    /** Whether {@code password} matches {@code stored}; a malformed stored value never matches. */
    boolean matches(char[] password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            return false;
        }
        try {
            int count = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, derive(password, salt, count));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Spends the same time as a real check, for an unknown account (no timing signal of which accounts exist). */
    void spendOnUnknown(char[] password) {
        derive(password, new byte[16], iterations);
    }

    private static byte[] derive(char[] password, byte[] salt, int count) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, count, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    static void wipe(char[] secret) {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }
}
