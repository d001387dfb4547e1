package org.carehost.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.carehost.crypto.CipherException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PhiCipherImplTest {

    private static final String AAD = "patient.resource|42";
    private static final Function<String, String> NO_ENV = name -> null;

    @TempDir
    Path dir;

    private PhiCipherImpl cipher() {
        return new PhiCipherImpl(dir, NO_ENV);
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private List<String> keyLines() throws Exception {
        return Files.readAllLines(dir.resolve("data-keys")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    }

    @Test
    void roundTrip() {
        PhiCipherImpl cipher = cipher();
        String sealed = cipher.seal("Jane Doe, born 1970-01-01 — ünïcode", AAD);
        assertTrue(sealed.startsWith("c1.k1."), sealed);
        assertTrue(sealed.chars().allMatch(c -> c < 128), "ASCII");
        assertFalse(sealed.contains("="), "no padding");
        assertEquals("Jane Doe, born 1970-01-01 — ünïcode", cipher.open(sealed, AAD));
        assertEquals("", cipher.open(cipher.seal("", AAD), AAD));
        assertNull(cipher.seal(null, AAD));
        assertNull(cipher.open(null, AAD));
        assertTrue(cipher.isCurrent(sealed));
    }

    @Test
    void eachSealHasItsOwnIv() {
        PhiCipherImpl cipher = cipher();
        String first = cipher.seal("same", AAD);
        String second = cipher.seal("same", AAD);
        assertNotEquals(first, second);
        assertEquals("same", cipher.open(first, AAD));
        assertEquals("same", cipher.open(second, AAD));
    }

    @Test
    void tamperedValueDoesNotOpen() {
        PhiCipherImpl cipher = cipher();
        String sealed = cipher.seal("Jane Doe", AAD);
        int at = sealed.length() - 10; // inside the ciphertext, away from the last character's padding bits
        char changed = sealed.charAt(at) == 'A' ? 'B' : 'A';
        String tampered = sealed.substring(0, at) + changed + sealed.substring(at + 1);
        CipherException e = assertThrows(CipherException.class, () -> cipher.open(tampered, AAD));
        assertTrue(e.getMessage().contains("was changed or belongs elsewhere"), e.getMessage());
        assertThrows(CipherException.class, () -> cipher.open(sealed.substring(0, sealed.length() - 4), AAD));
    }

    @Test
    void valueMovedToAnotherRowDoesNotOpen() {
        PhiCipherImpl cipher = cipher();
        String sealed = cipher.seal("Jane Doe", "patient.resource|42");
        CipherException e = assertThrows(CipherException.class, () -> cipher.open(sealed, "patient.resource|43"));
        assertTrue(e.getMessage().contains("was changed or belongs elsewhere"), e.getMessage());
        assertFalse(e.getMessage().contains("patient.resource"), "the aad is not in the message");
    }

    @Test
    void sealedValueHoldsNoPartOfThePlaintext() {
        String plaintext = "MargaretHamiltonMRN8675309";
        String sealed = cipher().seal(plaintext, AAD);
        for (int i = 0; i + 4 <= plaintext.length(); i++) {
            assertFalse(sealed.contains(plaintext.substring(i, i + 4)), plaintext.substring(i, i + 4));
        }
    }

    @Test
    void textThatIsNotSealedIsRefusedWithoutQuotingIt() {
        PhiCipherImpl cipher = cipher();
        for (String text : List.of("Jane Doe", "c1.k1", "c1.k1.!!!", "c1.k1.AAAA", "c1.Jane Doe.AAAA", "h1.k1.AAAA")) {
            CipherException e = assertThrows(CipherException.class, () -> cipher.open(text, AAD), text);
            assertTrue(e.getMessage().startsWith("Not a sealed value"), e.getMessage());
            assertFalse(e.getMessage().contains("Jane"), e.getMessage());
        }
    }

    @Test
    void unknownKeyIsNamed(@TempDir Path other) {
        String sealed = new PhiCipherImpl(other, NO_ENV).seal("Jane Doe", AAD);
        PhiCipherImpl cipher = cipher();
        cipher.beginRotation();
        cipher.finishRotation(); // this node now holds k2 only
        CipherException e = assertThrows(CipherException.class, () -> cipher.open(sealed, AAD));
        assertTrue(e.getMessage().contains("sealed under key k1, which this node does not have"), e.getMessage());
        assertTrue(e.getMessage().contains("keys held: k2"), e.getMessage());
    }

    @Test
    void indexIsStableAndKeyed(@TempDir Path other) {
        PhiCipherImpl cipher = cipher();
        String mrn = cipher.index("MRN-0001");
        assertTrue(mrn.startsWith("h1.k1."), mrn);
        assertEquals(mrn, cipher.index("MRN-0001"));
        assertEquals(mrn, new PhiCipherImpl(dir, NO_ENV).index("MRN-0001"));
        assertNotEquals(mrn, cipher.index("MRN-0002"));
        assertNotEquals(mrn, new PhiCipherImpl(other, NO_ENV).index("MRN-0001"), "another key, another hash");
        assertFalse(mrn.contains("MRN"));
        assertNull(cipher.index(null));
        assertEquals(List.of(), cipher.indexes(null));
    }

    @Test
    void indexesCoverEveryKeyDuringARotation() {
        PhiCipherImpl cipher = cipher();
        String before = cipher.index("MRN-0001");
        assertEquals(List.of(before), cipher.indexes("MRN-0001"));
        cipher.beginRotation();
        List<String> during = cipher.indexes("MRN-0001");
        assertEquals(2, during.size());
        assertTrue(during.get(0).startsWith("h1.k2."), during.get(0));
        assertEquals(cipher.index("MRN-0001"), during.get(0));
        assertEquals(before, during.get(1), "rows indexed before the rotation still match");
        cipher.finishRotation();
        assertEquals(List.of(during.get(0)), cipher.indexes("MRN-0001"));
    }

    @Test
    void rotationIsPersistedBeforeUse() throws Exception {
        PhiCipherImpl cipher = cipher();
        String old = cipher.seal("old", AAD);
        assertEquals("k2", cipher.beginRotation());
        String fresh = cipher.seal("new", AAD);
        assertTrue(fresh.startsWith("c1.k2."), fresh);
        assertFalse(cipher.isCurrent(old));
        assertTrue(cipher.isCurrent(fresh));

        PhiCipherImpl restarted = new PhiCipherImpl(dir, NO_ENV);
        assertEquals("k2", restarted.currentKeyId());
        assertEquals(List.of("k2", "k1"), restarted.keyIds());
        assertEquals("old", restarted.open(old, AAD));
        assertEquals("new", restarted.open(fresh, AAD));
        assertEquals(List.of("k2", "k1"), keyLines().stream().map(line -> line.split(" ")[0]).toList());
    }

    @Test
    void beginningAgainResumesTheRotation() throws Exception {
        PhiCipherImpl cipher = cipher();
        assertEquals("k2", cipher.beginRotation());
        assertEquals("k2", cipher.beginRotation());
        assertEquals("k2", new PhiCipherImpl(dir, NO_ENV).beginRotation(), "also after a restart");
        assertEquals(List.of("k2", "k1"), cipher.keyIds());
        assertEquals(2, keyLines().size());
    }

    @Test
    void finishingRetiresTheOldKeys() throws Exception {
        PhiCipherImpl cipher = cipher();
        String old = cipher.seal("old", AAD);
        cipher.beginRotation();
        String fresh = cipher.open(old, AAD);
        String resealed = cipher.seal(fresh, AAD);
        assertEquals(List.of("k1"), cipher.finishRotation());
        assertEquals(List.of(), cipher.finishRotation(), "nothing left to retire");
        assertEquals(List.of("k2"), cipher.keyIds());
        assertEquals("old", cipher.open(resealed, AAD));
        CipherException e = assertThrows(CipherException.class, () -> cipher.open(old, AAD));
        assertTrue(e.getMessage().contains("sealed under key k1, which this node does not have"), e.getMessage());

        PhiCipherImpl restarted = new PhiCipherImpl(dir, NO_ENV);
        assertEquals(List.of("k2"), restarted.keyIds());
        assertThrows(CipherException.class, () -> restarted.open(old, AAD));
        assertEquals(1, keyLines().size());
        assertEquals("k3", restarted.beginRotation(), "ids are not reused");
    }

    @Test
    void environmentKeyIsUsedAndNotWritten() throws Exception {
        Function<String, String> env = Map.of("CAREHOST_DATA_KEY", randomKey())::get;
        PhiCipherImpl cipher = new PhiCipherImpl(dir, env);
        assertEquals("env", cipher.currentKeyId());
        String sealed = cipher.seal("Jane Doe", AAD);
        assertTrue(sealed.startsWith("c1.env."), sealed);
        assertFalse(Files.exists(dir.resolve("data-keys")));
        assertEquals("Jane Doe", new PhiCipherImpl(dir, env).open(sealed, AAD));

        assertEquals("k1", cipher.beginRotation());
        assertEquals(List.of("k1", "env"), keyLines().stream().map(line -> line.split(" ")[0]).toList());
        PhiCipherImpl restartedWithoutEnv = new PhiCipherImpl(dir, NO_ENV);
        assertEquals("Jane Doe", restartedWithoutEnv.open(sealed, AAD), "the file can open it on its own");

        assertEquals(List.of("env"), cipher.finishRotation());
        assertEquals(List.of("k1"), keyLines().stream().map(line -> line.split(" ")[0]).toList());
    }

    @Test
    void fileWinsOverEnvironmentKeyWhichStillOpens() throws Exception {
        String envKey = randomKey();
        String underEnv = new PhiCipherImpl(dir.resolve("before"), Map.of("CAREHOST_DATA_KEY", envKey)::get)
                .seal("Jane Doe", AAD);
        cipher(); // writes a file with k1
        PhiCipherImpl both = new PhiCipherImpl(dir, Map.of("CAREHOST_DATA_KEY", envKey)::get);
        assertEquals(List.of("k1", "env"), both.keyIds());
        assertEquals("Jane Doe", both.open(underEnv, AAD));
        assertEquals(1, keyLines().size(), "the environment's key is not written");
        assertEquals("k1", both.beginRotation(), "a second key held: a rotation is under way");
        assertEquals(List.of("env"), both.finishRotation());
        assertEquals(List.of("k1"), both.keyIds());
    }

    @Test
    void environmentKeyAlreadyInTheFileIsNotAddedTwice() {
        Function<String, String> env = Map.of("CAREHOST_DATA_KEY", randomKey())::get;
        PhiCipherImpl cipher = new PhiCipherImpl(dir, env);
        cipher.beginRotation(); // file: k1, env
        assertEquals(List.of("k1", "env"), new PhiCipherImpl(dir, env).keyIds());
    }

    @Test
    void malformedEnvironmentKeyFailsWithoutShowingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new PhiCipherImpl(dir, Map.of("CAREHOST_DATA_KEY", "c2VjcmV0")::get));
        assertTrue(e.getMessage().contains("CAREHOST_DATA_KEY"), e.getMessage());
        assertFalse(e.getMessage().contains("c2VjcmV0"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "k1 not*base64", // not base64
            "k1 c2VjcmV0", // 6 bytes
            "k1 $KEY\nk1 $KEY", // duplicate id
            "k1", // no key
            "k1 $KEY extra", // a third field
            "k.1 $KEY", // a dot would break the sealed format
    })
    void malformedKeyFileFailsActivationNamingTheLine(String lines) throws Exception {
        Files.writeString(dir.resolve("data-keys"), "# keys\n\n" + lines.replace("$KEY", randomKey()) + "\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, this::cipher);
        assertTrue(e.getMessage().contains(dir.resolve("data-keys").toString()), e.getMessage());
        int line = lines.startsWith("k1 $KEY\n") ? 4 : 3;
        assertTrue(e.getMessage().contains("line " + line + ":"), e.getMessage());
        assertFalse(e.getMessage().contains("c2VjcmV0"), "no key text in the message");
    }

    @Test
    void keyFileWithoutKeysFailsActivation() throws Exception {
        Files.writeString(dir.resolve("data-keys"), "# nothing here\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, this::cipher);
        assertTrue(e.getMessage().contains("no key line"), e.getMessage());
    }

    @Test
    void keyFilesAreReadableByTheOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        PhiCipherImpl cipher = new PhiCipherImpl(dir.resolve("keys"), NO_ENV);
        cipher.pseudonym("tenant", "1");
        cipher.beginRotation();
        for (String file : List.of("data-keys", "pseudonym-key")) {
            assertEquals("rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys").resolve(file))), file);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys"))));
        try (var left = Files.list(dir.resolve("keys"))) {
            assertEquals(2, left.count(), "no temporary file left behind");
        }
    }

    @Test
    void generatedKeyIsLoggedWithoutItsBytes() throws Exception {
        List<String> logged = new ArrayList<>();
        KeyLog log = new KeyLog() {
            @Override
            public void info(String message) {
                logged.add(message);
            }

            @Override
            public void warn(String message) {
                logged.add(message);
            }
        };
        PhiCipherImpl cipher = new PhiCipherImpl(dir, NO_ENV, log);
        cipher.beginRotation();
        assertTrue(logged.get(0).contains("Generated data key k1 in " + dir.resolve("data-keys")), logged.get(0));
        for (String line : keyLines()) {
            String key = line.split(" ")[1];
            assertTrue(logged.stream().noneMatch(message -> message.contains(key)), "key bytes logged");
        }
    }

    @Test
    void pseudonymsAreStableAcrossInstancesAndRotations() {
        PhiCipherImpl cipher = cipher();
        String pseudonym = cipher.pseudonym("north-clinic", "patient-42");
        assertTrue(pseudonym.matches("ps-[A-Za-z0-9_-]{22}"), pseudonym);
        assertEquals(pseudonym, cipher.pseudonym("north-clinic", "patient-42"));
        assertNotEquals(pseudonym, cipher.pseudonym("south-clinic", "patient-42"), "differs per tenant");
        assertNotEquals(pseudonym, cipher.pseudonym("north-clinic", "patient-43"));
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        assertNotEquals(cipher.pseudonym("ab", "c"), cipher.pseudonym("a", "bc"));

        cipher.beginRotation();
        assertEquals(pseudonym, cipher.pseudonym("north-clinic", "patient-42"));
        cipher.finishRotation();
        assertEquals(pseudonym, new PhiCipherImpl(dir, NO_ENV).pseudonym("north-clinic", "patient-42"));
    }

    @Test
    void environmentPseudonymKeyOverridesAndIsNotWritten() {
        String key = randomKey();
        String pseudonym = new PhiCipherImpl(dir, Map.of("CAREHOST_PSEUDONYM_KEY", key)::get)
                .pseudonym("north-clinic", "patient-42");
        assertFalse(Files.exists(dir.resolve("pseudonym-key")));
        assertNotEquals(pseudonym, cipher().pseudonym("north-clinic", "patient-42"), "the file's key is another");
        assertEquals(pseudonym, new PhiCipherImpl(dir, Map.of("CAREHOST_PSEUDONYM_KEY", key)::get)
                .pseudonym("north-clinic", "patient-42"), "the environment wins over the file");
    }

    @Test
    void malformedPseudonymKeyFileFailsActivation() throws Exception {
        Files.writeString(dir.resolve("pseudonym-key"), "# key\nnot*base64\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, this::cipher);
        assertTrue(e.getMessage().contains(dir.resolve("pseudonym-key") + " line 2:"), e.getMessage());
    }

    @Test
    void sealsAndOpensFromManyThreadsDuringARotation() throws Exception {
        PhiCipherImpl cipher = cipher();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        String aad = "row|" + thread + "|" + i;
                        assertEquals("value " + i, cipher.open(cipher.seal("value " + i, aad), aad));
                        assertEquals(cipher.indexes("MRN").get(0).length(), cipher.index("MRN").length());
                    }
                }));
            }
            cipher.beginRotation();
            for (Future<?> future : work) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("k2", cipher.currentKeyId());
    }

    @Test
    void theKeyFolderIsTheConfigurationsElseTheOldFrameworkPropertyElseTheDefault() {
        assertEquals(Path.of("/srv/keys"), PhiCipherImpl.keyDirectory(" /srv/keys ", "/old/keys"));
        assertEquals(Path.of("/old/keys"), PhiCipherImpl.keyDirectory("", "/old/keys"));
        assertEquals(Path.of("etc/security/keys"), PhiCipherImpl.keyDirectory(null, " "));
    }
}
