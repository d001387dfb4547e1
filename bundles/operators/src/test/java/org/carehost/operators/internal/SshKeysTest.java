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
}
