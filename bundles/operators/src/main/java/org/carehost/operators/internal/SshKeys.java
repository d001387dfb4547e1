package org.carehost.operators.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

/**
 * One {@code authorized_keys} line ({@code type base64 [comment]}), checked: a known key type, padded base64 that
 * decodes, a blob whose own type field says the same and whose fields are whole ({@link SshKeyFormat}), and no RSA
 * key below {@link #MIN_RSA_BITS} bits (DSA is not
 * a type here at all). Compared by blob; only an RSA blob's modulus is read.
 */
record SshKeys(String type, byte[] blob, String comment) {

    static final Set<String> TYPES = Set.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com");

    /** The smallest RSA modulus accepted, for adding a key and for logging in with one added before this rule. */
    static final int MIN_RSA_BITS = 2048;

    static SshKeys parse(String line) {
        String text = line == null ? "" : line.strip();
        String[] parts = text.split("\\s+", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("Expected an authorized_keys line: '<type> <base64> [comment]', "
                    + "e.g. the content of ~/.ssh/id_ed25519.pub");
        }
        if (!TYPES.contains(parts[0])) {
            throw new IllegalArgumentException("Unsupported key type '" + parts[0] + "'; supported: "
                    + String.join(", ", new java.util.TreeSet<>(TYPES)));
        }
        String next = "; copy the whole line of the key's .pub file (e.g. ~/.ssh/id_ed25519.pub) and add it again";
        String damaged = SshKeyFormat.base64Problem(parts[1]);
        if (damaged != null) {
            throw new IllegalArgumentException(damaged + next);
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The key's second field is not base64 (" + e.getMessage() + ")" + next);
        }
        if (!parts[0].equals(typeInBlob(blob))) {
            throw new IllegalArgumentException("The key data is not a " + parts[0] + " key");
        }
        damaged = SshKeyFormat.problem(parts[0], blob);
        if (damaged != null) {
            throw new IllegalArgumentException(damaged + next);
        }
        String weak = weakness(parts[0], blob);
        if (weak != null) {
            throw new IllegalArgumentException("Refused: " + weak + "; make a new key, e.g. ssh-keygen -t ed25519 "
                    + "(or -t rsa -b 3072), and add its .pub line");
        }
        String comment = parts.length > 2 ? parts[2].strip() : "";
        if (comment.length() > 200 || comment.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("The key's comment must be at most 200 printable characters");
        }
        return new SshKeys(parts[0], blob, comment);
    }

    /** Why a key is too weak to log in with, in words; null when it is not (only RSA keys are measured). */
    static String weakness(String type, byte[] blob) {
        if (!"ssh-rsa".equals(type) || blob == null) {
            return null;
        }
        int bits = rsaBits(blob);
        return bits >= MIN_RSA_BITS ? null : bits < 0 ? "the RSA key data cannot be read"
                : "an RSA key of " + bits + " bits (at least " + MIN_RSA_BITS + " are needed)";
    }

    /** The modulus size of an {@code ssh-rsa} blob (string type, mpint e, mpint n); -1 when it does not read. */
    static int rsaBits(byte[] blob) {
        ByteBuffer buffer = ByteBuffer.wrap(blob);
        try {
            skip(buffer); // "ssh-rsa"
            skip(buffer); // e
            int length = buffer.getInt();
            if (length <= 0 || length > buffer.remaining()) {
                return -1;
            }
            byte[] modulus = new byte[length];
            buffer.get(modulus);
            return new java.math.BigInteger(1, modulus).bitLength();
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static void skip(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("truncated");
        }
        buffer.position(buffer.position() + length);
    }

    static String typeInBlob(byte[] blob) {
        if (blob.length < 4) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(blob);
        int length = buffer.getInt();
        if (length <= 0 || length > 64 || length > buffer.remaining()) {
            return null;
        }
        byte[] type = new byte[length];
        buffer.get(type);
        return new String(type, StandardCharsets.US_ASCII);
    }

    /** As {@code ssh-keygen -l} prints it: {@code SHA256:} and the unpadded base64 of the blob's SHA-256. */
    static String fingerprint(byte[] blob) {
        try {
            return "SHA256:" + Base64.getEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(blob));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    String base64() {
        return Base64.getEncoder().encodeToString(blob);
    }
}
