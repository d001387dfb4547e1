package org.carehost.operators.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads an SSH public key blob (RFC 4253 6.6, RFC 5656 3.1, RFC 8709, OpenSSH's PROTOCOL.u2f) field by field, as the
 * login will: each length field is checked against what follows, an ed25519 key must be 32 bytes, an ECDSA point its
 * curve's size, and nothing may follow the last field. A key cut short in a copy and paste used to be stored (only
 * its type field was read), and the login then failed with no hint why.
 */
final class SshKeyFormat {

    /** The uncompressed point (0x04, x, y) of each ECDSA curve, in bytes. */
    private static final Map<String, Integer> EC_POINT = Map.of("nistp256", 65, "nistp384", 97, "nistp521", 133);

    private SshKeyFormat() {
    }

    /**
     * Why {@code base64} is not the base64 of a whole key, in words; null when it is. Java's decoder accepts a
     * missing pad, so a cut line decoded; OpenSSH always writes padded base64.
     */
    static String base64Problem(String base64) {
        if (!base64.matches("[A-Za-z0-9+/]*={0,2}")) {
            return "The key's second field is not base64 (it holds characters base64 does not use)";
        }
        if (base64.length() % 4 != 0) {
            return "The key's base64 is cut short or damaged: " + base64.length() + " characters, not a multiple of 4";
        }
        return null;
    }

    /** Why {@code blob} is not a whole {@code type} key, in words; null when it is. */
    static String problem(String type, byte[] blob) {
        ByteBuffer buffer = ByteBuffer.wrap(blob);
        try {
            field(buffer, "type"); // its value was compared with the line's type already
            switch (type) {
                case "ssh-ed25519" -> exactly(field(buffer, "public key"), 32, "public key");
                case "sk-ssh-ed25519@openssh.com" -> {
                    exactly(field(buffer, "public key"), 32, "public key");
                    field(buffer, "application");
                }
                case "ssh-rsa" -> {
                    field(buffer, "exponent");
                    field(buffer, "modulus");
                }
                case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                        "sk-ecdsa-sha2-nistp256@openssh.com" -> {
                    String curve = new String(field(buffer, "curve name"), StandardCharsets.US_ASCII);
                    Integer size = EC_POINT.get(curve);
                    if (size == null || !type.contains(curve)) {
                        throw new IllegalArgumentException("its curve field names '" + curve + "', not the curve of "
                                + type);
                    }
                    exactly(field(buffer, "public point"), size, "public point");
                    if (type.startsWith("sk-")) {
                        field(buffer, "application");
                    }
                }
                default -> throw new IllegalArgumentException("its type is not one this container reads");
            }
            if (buffer.hasRemaining()) {
                throw new IllegalArgumentException(buffer.remaining() + " bytes follow its last field");
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "The " + type + " key is damaged or cut short: " + e.getMessage();
        }
    }

    private static byte[] field(ByteBuffer buffer, String name) {
        if (buffer.remaining() < 4) {
            throw new IllegalArgumentException("it ends before its " + name + " field");
        }
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("its " + name + " field announces " + Integer.toUnsignedString(length)
                    + " bytes but only " + buffer.remaining() + " follow");
        }
        byte[] value = new byte[length];
        buffer.get(value);
        return value;
    }

    private static void exactly(byte[] value, int size, String name) {
        if (value.length != size) {
            throw new IllegalArgumentException("its " + name + " is " + value.length + " bytes, not " + size);
        }
    }
}
