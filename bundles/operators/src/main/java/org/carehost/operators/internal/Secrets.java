package org.carehost.operators.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets (tokens, recovery codes, ids) and the SHA-256 under which the store keeps them. */
final class Secrets {

    /** Prefix of API tokens, so that a leaked one is recognisable in logs and by secret scanners. */
    static final String TOKEN_PREFIX = "chk_";

    private final SecureRandom random;

    Secrets(SecureRandom random) {
        this.random = random;
    }

    /** 256 random bits, base64url. */
    String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String id() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A credential stamp ({@link org.carehost.operators.Operator#credentialStamp}): random, never 0 (rows from before). */
    long stamp() {
        long stamp;
        do {
            stamp = random.nextLong();
        } while (stamp == 0);
        return stamp;
    }

    /** A recovery code: 10 characters of base32 in two groups (50 bits), e.g. {@code ABCDE-FGHIJ}. */
    String recoveryCode() {
        byte[] bytes = new byte[7];
        random.nextBytes(bytes);
        String code = Totp.base32(bytes).substring(0, 10);
        return code.substring(0, 5) + "-" + code.substring(5);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    SecureRandom random() {
        return random;
    }
}
