package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key store check before HTTPS is turned on: each bad key store is one problem naming the setting to fix. */
class HttpsKeyStoreTest {

    private static final String PASSWORD = "key-store-password";
    @TempDir
    static Path home;
    /** etc/security/ of the tests. */
    private static Path security;
    private static Path keyStore;

    @BeforeAll
    static void makeAKeyStore() throws Exception {
        security = Files.createDirectories(home.resolve("etc/security"));
        keyStore = KeyStores.make(security.resolve("https.p12"), PASSWORD);
    }

    @Test
    void aKeyStoreThatOpensWithAKeyIsFine() {
        assertEquals(Optional.empty(), HttpsKeyStore.problem(security, "https.p12", "PKCS12", PASSWORD));
        assertEquals(Optional.empty(), HttpsKeyStore.problem(security, keyStore.toString(), "PKCS12", PASSWORD),
                "an absolute path inside etc/security/");
        assertEquals(Optional.empty(), HttpsKeyStore.problem(security, "sub/../https.p12", "PKCS12", PASSWORD));
    }

    @Test
    void eachBadKeyStoreNamesTheSettingToFix() {
        assertTrue(problem("https.p12", "PKCS12", "wrong").startsWith("keyStorePassword in etc/org.carehost."
                + "http.listener.cfg does not open the key store"), problem("https.p12", "PKCS12", "wrong"));
        String missing = problem("nope.p12", "PKCS12", PASSWORD);
        assertTrue(missing.contains("(keyStore in etc/org.carehost.http.listener.cfg) does not exist"), missing);
        assertTrue(problem(" ", "PKCS12", PASSWORD).contains("keyStore is empty"));
        assertTrue(problem("https.p12", "NOSUCHTYPE", PASSWORD).startsWith("keyStoreType 'NOSUCHTYPE'"));
        assertTrue(!problem("https.p12", "PKCS12", "wrong").contains("wrong"), "the password is never told");
    }

    @Test
    void aKeyStoreOutsideEtcSecurityIsRefusedNamingTheSettingAndTheFolder() throws Exception {
        Path outside = Files.copy(keyStore, home.resolve("etc/outside.p12"));
        for (String given : new String[] {"../outside.p12", outside.toString(), "sub/../../outside.p12", ".."}) {
            String refused = problem(given, "PKCS12", PASSWORD);
            assertTrue(refused.startsWith("keyStore in etc/org.carehost.http.listener.cfg names ")
                    && refused.contains("which is outside " + security + " (etc/security/)"), given + ": " + refused);
        }
        Path link = Files.createSymbolicLink(security.resolve("linked.p12"), outside);
        String refused = problem("linked.p12", "PKCS12", PASSWORD);
        assertTrue(refused.contains("a link to " + outside.toRealPath() + ", which is outside " + security), refused);
        Path inner = Files.createSymbolicLink(security.resolve("inner.p12"), keyStore);
        assertEquals(Optional.empty(), HttpsKeyStore.problem(security, inner.getFileName().toString(), "PKCS12",
                PASSWORD), "a link that stays in the folder is fine");
    }

    @Test
    void aRelativeKeyStoreIsUnderEtcSecurity() {
        assertEquals(Path.of("etc/security/https.p12").toAbsolutePath(), HttpsKeyStore.path("https.p12"));
        assertEquals(keyStore.toAbsolutePath(), HttpsKeyStore.path(keyStore.toString()));
    }

    private static String problem(String path, String type, String password) {
        return HttpsKeyStore.problem(security, path, type, password).orElseThrow();
    }
}
