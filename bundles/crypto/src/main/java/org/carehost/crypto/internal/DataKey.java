package org.carehost.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** One data key: its id, the AES key, and the HMAC key for lookup hashes derived from it. */
record DataKey(String id, SecretKeySpec aes, SecretKeySpec index) {

    static final int BYTES = 32;
    static final String HMAC = "HmacSHA256";
    private static final byte[] INDEX_LABEL = "carehost index key".getBytes(StandardCharsets.UTF_8);

    /** The key {@code bytes} (32) under {@code id}; the caller may clear {@code bytes} afterwards. */
    static DataKey of(String id, byte[] bytes) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(bytes, HMAC));
            byte[] indexKey = mac.doFinal(INDEX_LABEL);
            try {
                return new DataKey(id, new SecretKeySpec(bytes, "AES"), new SecretKeySpec(indexKey, HMAC));
            } finally {
                Arrays.fill(indexKey, (byte) 0); // SecretKeySpec keeps its own copy
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
        }
    }

    /** A copy of the key bytes, to write to the key file. */
    byte[] bytes() {
        return aes.getEncoded();
    }

    boolean sameKeyAs(DataKey other) {
        return MessageDigest.isEqual(bytes(), other.bytes());
    }

    /** The id only: a key must never reach a log or an exception message. */
    @Override
    public String toString() {
        return id;
    }
}
