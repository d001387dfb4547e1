package org.carehost.operators.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class SshKeysTest {

    static String ed25519Line(byte fill) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
        out.writeInt(type.length);
        out.write(type);
        out.writeInt(32);
        out.write(new byte[32]);
        byte[] blob = bytes.toByteArray();
        blob[blob.length - 1] = fill;
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob) + " alice@laptop";
    }

    @Test
    void readsAnAuthorizedKeysLine() throws IOException {
        SshKeys key = SshKeys.parse(ed25519Line((byte) 1));
        assertEquals("ssh-ed25519", key.type());
        assertEquals("alice@laptop", key.comment());
        assertTrue(SshKeys.fingerprint(key.blob()).startsWith("SHA256:"));
        assertEquals(50, SshKeys.fingerprint(key.blob()).length());
    }

    @Test
    void refusesWhatIsNotAKeyOfItsType() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> SshKeys.parse("ssh-dss AAAA"));
        assertThrows(IllegalArgumentException.class, () -> SshKeys.parse("ssh-ed25519 not*base64"));
        assertThrows(IllegalArgumentException.class, () -> SshKeys.parse(ed25519Line((byte) 1).replace("ssh-ed25519 ", "ssh-rsa ")));
        assertThrows(IllegalArgumentException.class, () -> SshKeys.parse(""));
    }

    static String rsaLine(int bits) throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        java.security.interfaces.RSAPublicKey key = (java.security.interfaces.RSAPublicKey) generator.generateKeyPair()
                .getPublic();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (byte[] part : new byte[][] { "ssh-rsa".getBytes(StandardCharsets.US_ASCII),
                key.getPublicExponent().toByteArray(), key.getModulus().toByteArray() }) {
            out.writeInt(part.length);
            out.write(part);
        }
        return "ssh-rsa " + Base64.getEncoder().encodeToString(bytes.toByteArray()) + " old@laptop";
    }

    @Test
    void refusesRsaKeysBelow2048Bits() throws Exception {
        IllegalArgumentException weak = assertThrows(IllegalArgumentException.class, () -> SshKeys.parse(rsaLine(1024)));
        assertTrue(weak.getMessage().contains("RSA key of 1024 bits (at least 2048"), weak.getMessage());
        SshKeys strong = SshKeys.parse(rsaLine(2048));
        assertEquals(2048, SshKeys.rsaBits(strong.blob()));
        assertEquals(null, SshKeys.weakness("ssh-rsa", strong.blob()));
        assertEquals(null, SshKeys.weakness("ssh-ed25519", SshKeys.parse(ed25519Line((byte) 1)).blob()));
    }

    /** Tryout 14 finding 9: the blob announces 32 key bytes and holds 3, and its base64 lacks its padding. */
    @Test
    void refusesACutKeyNamingTheProblem() throws IOException {
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
                () -> SshKeys.parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBogus alice@laptop"));
        assertTrue(cut.getMessage().contains("cut short or damaged: 30 characters"), cut.getMessage());
        String whole = ed25519Line((byte) 1).split(" ")[1];
        byte[] blob = Base64.getDecoder().decode(whole);
        String shorter = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(blob, blob.length - 3));
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> SshKeys.parse("ssh-ed25519 " + shorter));
        assertTrue(shortKey.getMessage().contains("public key field announces 32 bytes but only 29 follow"),
                shortKey.getMessage());
        String longer = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(blob, blob.length + 2));
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                () -> SshKeys.parse("ssh-ed25519 " + longer));
        assertTrue(extra.getMessage().contains("2 bytes follow its last field"), extra.getMessage());
    }
}
