package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key store check before HTTPS is turned on: each bad key store is one problem naming the setting to fix. */
class HttpsKeyStoreTest {

    private static final String PASSWORD = "key-store-password";
    @TempDir
    static Path folder;
    private static Path keyStore;

    @BeforeAll
    static void makeAKeyStore() throws Exception {
        keyStore = folder.resolve("https.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "carehost", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, keytool.exitValue(), out);
    }

    @Test
    void aKeyStoreThatOpensWithAKeyIsFine() {
        assertEquals(Optional.empty(), HttpsKeyStore.problem(keyStore.toString(), "PKCS12", PASSWORD));
    }

    @Test
    void eachBadKeyStoreNamesTheSettingToFix() {
        assertTrue(problem(keyStore.toString(), "PKCS12", "wrong").startsWith("keyStorePassword in etc/org.carehost."
                + "http.listener.cfg does not open the key store"), problem(keyStore.toString(), "PKCS12", "wrong"));
        String missing = problem(folder.resolve("nope.p12").toString(), "PKCS12", PASSWORD);
        assertTrue(missing.contains("(keyStore in etc/org.carehost.http.listener.cfg) does not exist"), missing);
        assertTrue(problem(" ", "PKCS12", PASSWORD).contains("keyStore is empty"));
        assertTrue(problem(keyStore.toString(), "NOSUCHTYPE", PASSWORD).startsWith("keyStoreType 'NOSUCHTYPE'"));
        assertTrue(!problem(keyStore.toString(), "PKCS12", "wrong").contains("wrong"), "the password is never told");
    }

    @Test
    void aRelativeKeyStoreIsUnderEtcSecurity() {
        assertEquals(Path.of("etc/security/https.p12").toAbsolutePath(), HttpsKeyStore.path("https.p12"));
        assertEquals(keyStore.toAbsolutePath(), HttpsKeyStore.path(keyStore.toString()));
    }

    private static String problem(String path, String type, String password) {
        return HttpsKeyStore.problem(path, type, password).orElseThrow();
    }
}
