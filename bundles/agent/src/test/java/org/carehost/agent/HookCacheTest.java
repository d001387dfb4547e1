package org.carehost.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of hooked classes gives back exactly what the hooks made, only for the same class file and the same agent,
 * and ignores a file it cannot read back whole.
 */
class HookCacheTest {

    private static final String OWNER = "java/lang/ProcessBuilder";

    @TempDir
    Path home;

    private final Hooks hooks = new Hooks();

    private File cacheIn(Path folder) throws IOException {
        Files.createDirectories(folder.resolve("data/cache"));
        return folder.resolve(HookCache.FILE).toFile();
    }

    @Test
    void aLaterStartGetsTheSameHookedBytesForTheSameClassFile() throws Exception {
        File file = cacheIn(home);
        byte[] original = classFile(OWNER);
        byte[] expected = HookWriter.instrument(original, hooks.in(OWNER), hooks.callsIn(OWNER));
        HookCache first = HookCache.open(file, 42);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        byte[] hooked = new HookTransformer(hooks, failures, first).transform((Module) null, null, OWNER, null, null,
                original);
        assertArrayEquals(expected, hooked);
        first.save();
        assertTrue(file.isFile(), "written");
        if (Files.getFileStore(home).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.toPath())));
            assertEquals("rwx------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(file.toPath().getParent())));
        }

        HookCache later = HookCache.open(file, 42);
        assertArrayEquals(expected, later.lookup(OWNER, original));
        assertArrayEquals(expected, new HookTransformer(hooks, failures, later).transform((Module) null, null, OWNER,
                null, null, original));
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void anotherClassFileOrAnotherAgentGetsNothing() throws Exception {
        File file = cacheIn(home);
        byte[] original = classFile(OWNER);
        HookCache first = HookCache.open(file, 42);
        first.remember(OWNER, original, new byte[] {1, 2, 3});
        first.save();

        byte[] changed = original.clone();
        changed[changed.length - 1] ^= 1;
        assertNull(HookCache.open(file, 42).lookup(OWNER, changed), "same name and length, other bytes");
        assertNull(HookCache.open(file, 42).lookup(OWNER, java.util.Arrays.copyOf(original, original.length + 1)));
        assertNull(HookCache.open(file, 43).lookup(OWNER, original), "another agent's cache");
        assertNull(HookCache.open(file, 42).lookup("java/io/File", original), "another class");
        assertArrayEquals(new byte[] {1, 2, 3}, HookCache.open(file, 42).lookup(OWNER, original));
    }

    @Test
    void aClassFileWithTheSameLengthAndChecksumIsNotTakenForAnother() throws Exception {
        byte[] genuine = "plumless".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] crafted = "buckeroo".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.zip.CRC32 one = new java.util.zip.CRC32();
        one.update(genuine);
        java.util.zip.CRC32 two = new java.util.zip.CRC32();
        two.update(crafted);
        assertEquals(one.getValue(), two.getValue(), "the same CRC-32, the same length");
        File file = cacheIn(home);
        HookCache first = HookCache.open(file, 5);
        first.remember(OWNER, crafted, new byte[] {6, 6, 6});
        first.save();
        assertNull(HookCache.open(file, 5).lookup(OWNER, genuine), "what was made of the crafted class stays its");
    }

    @Test
    void aFileCutShortOrWithMoreInItIsIgnoredAndWrittenAgain() throws Exception {
        File file = cacheIn(home);
        byte[] original = classFile(OWNER);
        HookCache first = HookCache.open(file, 7);
        first.remember(OWNER, original, new byte[] {9, 9});
        first.remember("java/io/File", new byte[] {5}, new byte[] {6});
        first.save();
        byte[] whole = Files.readAllBytes(file.toPath());

        Files.write(file.toPath(), java.util.Arrays.copyOf(whole, whole.length - 1));
        HookCache cut = HookCache.open(file, 7);
        assertNull(cut.lookup(OWNER, original));
        assertNull(cut.lookup("java/io/File", new byte[] {5}), "nothing taken from a file cut short");

        Files.write(file.toPath(), java.util.Arrays.copyOf(whole, whole.length + 1));
        assertNull(HookCache.open(file, 7).lookup(OWNER, original), "nor from one with more than it says");

        Files.write(file.toPath(), new byte[] {1, 2, 3});
        HookCache garbage = HookCache.open(file, 7);
        assertEquals(0, garbage.size());
        garbage.remember(OWNER, original, new byte[] {4});
        garbage.save();
        assertArrayEquals(new byte[] {4}, HookCache.open(file, 7).lookup(OWNER, original), "written again whole");
    }

    @Test
    void entriesAddUpAcrossSavesAndNothingIsWrittenWhenNothingIsNew() throws Exception {
        File file = cacheIn(home);
        HookCache first = HookCache.open(file, 1);
        first.remember("a/A", new byte[] {1}, new byte[] {10});
        first.save();
        first.remember("b/B", new byte[] {2}, new byte[] {20});
        first.save();
        HookCache later = HookCache.open(file, 1);
        assertArrayEquals(new byte[] {10}, later.lookup("a/A", new byte[] {1}));
        assertArrayEquals(new byte[] {20}, later.lookup("b/B", new byte[] {2}));
        long written = file.lastModified();
        byte[] before = Files.readAllBytes(file.toPath());
        Files.setLastModifiedTime(file.toPath(), java.nio.file.attribute.FileTime.fromMillis(written - 10_000));
        later.save();
        assertEquals(written - 10_000, file.lastModified(), "nothing new: not written");
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
        assertFalse(file.toPath().resolveSibling("hooks.new").toFile().exists());
    }

    @Test
    void nothingIsWrittenWhereTheContainerHasNoCacheFolderNorWithoutAFile() throws Exception {
        File file = home.resolve(HookCache.FILE).toFile();
        HookCache cache = HookCache.open(file, 1);
        cache.remember("a/A", new byte[] {1}, new byte[] {10});
        cache.save();
        assertFalse(home.resolve("data").toFile().exists(), "the container's folders are never made here");

        HookCache none = HookCache.none();
        none.remember("a/A", new byte[] {1}, new byte[] {10});
        none.save();
        assertNull(none.lookup("a/A", new byte[] {1}));
    }

    @Test
    void theIdentityFollowsTheAgentsOwnEntries() throws Exception {
        Path one = home.resolve("one.jar");
        Path two = home.resolve("two.jar");
        jar(one, "org/carehost/agent/X.class", new byte[] {1}, "other/Y.class", new byte[] {2});
        jar(two, "org/carehost/agent/X.class", new byte[] {1}, "other/Y.class", new byte[] {3});
        Path three = home.resolve("three.jar");
        jar(three, "org/carehost/agent/X.class", new byte[] {4}, "other/Y.class", new byte[] {2});
        try (java.util.jar.JarFile a = new java.util.jar.JarFile(one.toFile());
                java.util.jar.JarFile b = new java.util.jar.JarFile(two.toFile());
                java.util.jar.JarFile c = new java.util.jar.JarFile(three.toFile())) {
            assertEquals(HookCache.identity(a), HookCache.identity(b), "entries not the agent's do not count");
            assertTrue(HookCache.identity(a) != HookCache.identity(c), "a changed agent class does");
        }
    }

    private static void jar(Path path, String name1, byte[] content1, String name2, byte[] content2)
            throws IOException {
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(path))) {
            out.putNextEntry(new java.util.jar.JarEntry(name1));
            out.write(content1);
            out.closeEntry();
            out.putNextEntry(new java.util.jar.JarEntry(name2));
            out.write(content2);
            out.closeEntry();
        }
    }

    private static byte[] classFile(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName);
            return in.readAllBytes();
        }
    }
}
