package org.carehost.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The working directory's defaults: written when missing, upgraded when never edited, an operator's file kept. */
class HomeTest {

    @TempDir
    Path root;

    @Test
    void aFreshFolderGetsEveryDefault() throws IOException {
        new Home(root).layOut();
        for (String name : Home.ETC_DEFAULTS) {
            assertArrayEquals(shipped(name), Files.readAllBytes(root.resolve("etc").resolve(name)), name);
        }
    }

    @Test
    void newFoldersAreTheOwnersOnlyAndAnExistingOneKeepsItsModes() throws IOException {
        Path mine = Files.createDirectories(root.resolve("deploy"));
        Files.setPosixFilePermissions(mine, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        new Home(root).layOut();
        for (String folder : new String[] {"data", "etc"}) {
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(root.resolve(folder))), folder);
        }
        assertEquals("rwxrwxr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(mine)));
    }

    @Test
    void onAFirstStartTheDataFolderTheLauncherMadeForItsCacheIsTheOwnersOnlyToo() throws IOException {
        Path cache = Files.createDirectories(root.resolve("data/cache")); // as bnd's launcher does, before the hook
        Files.setPosixFilePermissions(root.resolve("data"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        new Home(root).layOut();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("data"))));
        assertTrue(Files.isDirectory(cache));
    }

    /** Tryout 16: an operator who configured etc/ before the first start got a data/ every local user could read. */
    @Test
    void theDataFolderIsTheOwnersOnlyAlsoWhenEtcWasConfiguredBeforeTheFirstStart() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/org.carehost.ssh.cfg"), "port=8102\n");
        Files.createDirectories(root.resolve("data/cache"));
        Files.setPosixFilePermissions(root.resolve("data"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        new Home(root).layOut();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("data"))));
    }

    @Test
    void aDataFolderInUseKeepsItsModes() throws IOException {
        Files.createDirectories(root.resolve("data/cache"));
        Files.createDirectories(root.resolve("data/db"));
        Files.setPosixFilePermissions(root.resolve("data"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        new Home(root).layOut();
        assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("data"))));
    }

    @Test
    void aDefaultAnEarlierVersionWroteAndNobodyEditedIsUpgraded() throws IOException {
        byte[] earlier = earlierProfile();
        assertFalse(java.util.Arrays.equals(earlier, shipped("gosh_profile")), "the test needs an older profile");
        Path profile = Files.createDirectories(root.resolve("etc")).resolve("gosh_profile");
        Files.write(profile, earlier);
        new Home(root).layOut();
        assertArrayEquals(shipped("gosh_profile"), Files.readAllBytes(profile));
    }

    /** The README of tryout 16 (it said defaults are never overwritten, and named no .cfg file) is upgraded too. */
    @Test
    void theEarlierReadmeIsUpgraded() throws IOException {
        byte[] earlier;
        try (InputStream in = HomeTest.class.getResourceAsStream("README-08b039e")) {
            earlier = in.readAllBytes();
        }
        assertFalse(java.util.Arrays.equals(earlier, shipped("README")), "the test needs an older README");
        Path readme = Files.createDirectories(root.resolve("etc")).resolve("README");
        Files.write(readme, earlier);
        new Home(root).layOut();
        assertArrayEquals(shipped("README"), Files.readAllBytes(readme));
    }

    @Test
    void anEditedFileIsTheOperatorsAndIsNeverTouched() throws IOException {
        byte[] edited = (new String(earlierProfile(), StandardCharsets.UTF_8) + "echo mine\n")
                .getBytes(StandardCharsets.UTF_8);
        Path profile = Files.createDirectories(root.resolve("etc")).resolve("gosh_profile");
        Files.write(profile, edited);
        new Home(root).layOut();
        assertArrayEquals(edited, Files.readAllBytes(profile));
        assertEquals(false, Home.isEarlierDefault("logback.xml", profile), "a digest counts for its own file only");
    }

    private static byte[] earlierProfile() throws IOException {
        try (InputStream in = HomeTest.class.getResourceAsStream("gosh_profile-4958e74")) {
            return in.readAllBytes();
        }
    }

    private static byte[] shipped(String name) throws IOException {
        try (InputStream in = Home.class.getResourceAsStream("etc/" + name)) {
            return in.readAllBytes();
        }
    }
}
