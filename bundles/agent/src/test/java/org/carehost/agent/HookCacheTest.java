package org.carehost.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of hooked classes gives back exactly what the hooks made, only for the same class file and the same agent,
 * and uses nothing of a file that is damaged or not the container's alone.
 */
class HookCacheTest {

    private static final String OWNER = "java/lang/ProcessBuilder";
    private static final BooleanSupplier SAME_JAR = () -> true;

    @TempDir
    Path home;

    private final Hooks hooks = new Hooks();

    private Path cacheIn(Path folder) throws IOException {
        Files.createDirectories(folder.resolve("data/cache"));
        return folder.resolve(HookCache.FILE);
    }

    private static boolean posix(Path path) throws IOException {
        return Files.getFileStore(path).supportsFileAttributeView("posix");
    }

    @Test
    void aLaterStartGetsTheSameHookedBytesForTheSameClassFile() throws Exception {
        Path file = cacheIn(home);
        byte[] original = classFile(OWNER);
        byte[] expected = HookWriter.instrument(original, hooks.in(OWNER), hooks.callsIn(OWNER));
        HookCache first = HookCache.open(file, 42, SAME_JAR);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        byte[] hooked = new HookTransformer(hooks, failures, first).transform((Module) null, null, OWNER, null, null,
                original);
        assertArrayEquals(expected, hooked);
        first.save();
        assertTrue(Files.isRegularFile(file), "written");
        if (posix(home)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        }
        try (java.util.stream.Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file left");
        }

        HookCache later = HookCache.open(file, 42, SAME_JAR);
        assertArrayEquals(expected, later.lookup(OWNER, original));
        assertArrayEquals(expected, new HookTransformer(hooks, failures, later).transform((Module) null, null, OWNER,
                null, null, original));
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void anotherClassFileOrAnotherAgentGetsNothing() throws Exception {
        Path file = cacheIn(home);
        byte[] original = classFile(OWNER);
        HookCache first = HookCache.open(file, 42, SAME_JAR);
        first.remember(OWNER, original, new byte[] {1, 2, 3});
        first.save();

        byte[] changed = original.clone();
        changed[changed.length - 1] ^= 1;
        assertNull(HookCache.open(file, 42, SAME_JAR).lookup(OWNER, changed), "same name and length, other bytes");
        assertNull(HookCache.open(file, 42, SAME_JAR).lookup(OWNER, Arrays.copyOf(original, original.length + 1)));
        assertNull(HookCache.open(file, 43, SAME_JAR).lookup(OWNER, original), "another agent's cache");
        assertNull(HookCache.open(file, 42, SAME_JAR).lookup("java/io/File", original), "another class");
        assertArrayEquals(new byte[] {1, 2, 3}, HookCache.open(file, 42, SAME_JAR).lookup(OWNER, original));
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
        Path file = cacheIn(home);
        HookCache first = HookCache.open(file, 5, SAME_JAR);
        first.remember(OWNER, crafted, new byte[] {6, 6, 6});
        first.save();
        assertNull(HookCache.open(file, 5, SAME_JAR).lookup(OWNER, genuine), "what was made of the crafted class stays its");
    }

    @Test
    void aClassOfTheSameNameIsKeptBesideTheFirstNotInsteadOfIt() throws Exception {
        Path file = cacheIn(home);
        HookCache first = HookCache.open(file, 5, SAME_JAR);
        first.remember(OWNER, new byte[] {1}, new byte[] {10});
        first.save();
        HookCache second = HookCache.open(file, 5, SAME_JAR);
        second.remember(OWNER, new byte[] {2}, new byte[] {20}); // a plugin's class of the JDK class's name
        second.remember(OWNER, new byte[] {2}, new byte[] {20}); // loaded again: one entry
        second.save();
        HookCache third = HookCache.open(file, 5, SAME_JAR);
        assertArrayEquals(new byte[] {10}, third.lookup(OWNER, new byte[] {1}));
        assertArrayEquals(new byte[] {20}, third.lookup(OWNER, new byte[] {2}));
        assertEquals(2, third.size());
    }

    @Test
    void aFileCutShortDamagedOrWithMoreInItIsNotUsedAndWrittenAgain() throws Exception {
        Path file = cacheIn(home);
        byte[] original = classFile(OWNER);
        HookCache first = HookCache.open(file, 7, SAME_JAR);
        first.remember(OWNER, original, new byte[] {9, 9});
        first.remember("java/io/File", new byte[] {5}, new byte[] {6});
        first.save();
        byte[] whole = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {9, 9}, HookCache.open(file, 7, SAME_JAR).lookup(OWNER, original));

        Files.write(file, Arrays.copyOf(whole, whole.length - 1));
        HookCache cut = HookCache.open(file, 7, SAME_JAR);
        assertNull(cut.lookup(OWNER, original));
        assertNull(cut.lookup("java/io/File", new byte[] {5}), "nothing taken from a file cut short");

        Files.write(file, Arrays.copyOf(whole, whole.length + 1));
        assertNull(HookCache.open(file, 7, SAME_JAR).lookup(OWNER, original), "nor from one with more than it says");

        for (int at : new int[] {whole.length / 2, whole.length - 20, 20}) {
            byte[] damaged = whole.clone();
            damaged[at] ^= 0x10; // lengths intact, contents not (pages lost in a crash)
            Files.write(file, damaged);
            HookCache hit = HookCache.open(file, 7, SAME_JAR);
            assertNull(hit.lookup(OWNER, original), "damaged at " + at);
            assertNull(hit.lookup("java/io/File", new byte[] {5}), "damaged at " + at);
        }
        byte[] zeroTail = whole.clone();
        Arrays.fill(zeroTail, Math.max(0, whole.length - 4096), whole.length, (byte) 0);
        Files.write(file, zeroTail);
        assertEquals(0, HookCache.open(file, 7, SAME_JAR).size(), "a tail of zeros");

        Files.write(file, new byte[] {1, 2, 3});
        HookCache garbage = HookCache.open(file, 7, SAME_JAR);
        assertEquals(0, garbage.size());
        garbage.remember(OWNER, original, new byte[] {4});
        garbage.save();
        assertArrayEquals(new byte[] {4}, HookCache.open(file, 7, SAME_JAR).lookup(OWNER, original),
                "written again whole");
    }

    @Test
    void aFileOrFolderThatIsALinkOrWritableByOthersIsNotUsed() throws Exception {
        Path file = cacheIn(home);
        HookCache first = HookCache.open(file, 3, SAME_JAR);
        first.remember("a/A", new byte[] {1}, new byte[] {10});
        first.save();
        assertArrayEquals(new byte[] {10}, HookCache.open(file, 3, SAME_JAR).lookup("a/A", new byte[] {1}));

        Path elsewhere = home.resolve("elsewhere");
        Files.move(file, elsewhere);
        Files.createSymbolicLink(file, elsewhere);
        assertNull(HookCache.open(file, 3, SAME_JAR).lookup("a/A", new byte[] {1}), "a link");
        Files.delete(file);
        Files.move(elsewhere, file);
        if (posix(home)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
            assertNull(HookCache.open(file, 3, SAME_JAR).lookup("a/A", new byte[] {1}), "group-writable file");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx---rwx"));
            assertNull(HookCache.open(file, 3, SAME_JAR).lookup("a/A", new byte[] {1}), "folder writable by others");
            HookCache other = HookCache.open(file, 3, SAME_JAR);
            other.remember("b/B", new byte[] {2}, new byte[] {20});
            other.save();
            Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
            assertNull(HookCache.open(file, 3, SAME_JAR).lookup("b/B", new byte[] {2}), "not written there either");
        }
    }

    @Test
    void nothingIsWrittenByAJvmThatDoesNotRunTheJarsAgent() throws Exception {
        Path file = cacheIn(home);
        HookCache replaced = HookCache.open(file, 9, () -> false);
        replaced.remember("a/A", new byte[] {1}, new byte[] {10});
        replaced.save();
        assertFalse(Files.exists(file), "the jar was replaced under this JVM: its output is not kept as the new one's");
    }

    @Test
    void entriesAddUpAcrossSavesAndNothingIsWrittenWhenNothingIsNew() throws Exception {
        Path file = cacheIn(home);
        HookCache first = HookCache.open(file, 1, SAME_JAR);
        first.remember("a/A", new byte[] {1}, new byte[] {10});
        first.save();
        first.remember("b/B", new byte[] {2}, new byte[] {20});
        first.save();
        HookCache later = HookCache.open(file, 1, SAME_JAR);
        assertArrayEquals(new byte[] {10}, later.lookup("a/A", new byte[] {1}));
        assertArrayEquals(new byte[] {20}, later.lookup("b/B", new byte[] {2}));
        assertEquals(2, later.size());
        java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(file).toMillis() - 10_000);
        Files.setLastModifiedTime(file, before);
        later.save();
        assertEquals(before, Files.getLastModifiedTime(file), "nothing new: not written");
    }

    @Test
    void aClassTooLargeIsHookedButNotKept() throws Exception {
        Path file = cacheIn(home);
        HookCache cache = HookCache.open(file, 1, SAME_JAR);
        cache.remember("big/Big", new byte[3 << 20], new byte[] {1});
        cache.remember("a/A", new byte[] {1}, new byte[] {10});
        assertEquals(1, cache.size());
    }

    @Test
    void nothingIsWrittenWhereTheContainerHasNoCacheFolderNorWithoutAFile() throws Exception {
        Path file = home.resolve(HookCache.FILE);
        HookCache cache = HookCache.open(file, 1, SAME_JAR);
        cache.remember("a/A", new byte[] {1}, new byte[] {10});
        cache.save();
        assertFalse(Files.exists(home.resolve("data")), "the container's folders are never made here");

        HookCache none = HookCache.none();
        none.remember("a/A", new byte[] {1}, new byte[] {10});
        none.save();
        assertNull(none.lookup("a/A", new byte[] {1}));
    }

    @Test
    void discardDeletesTheFile() throws Exception {
        Path file = cacheIn(home);
        HookCache cache = HookCache.open(file, 1, SAME_JAR);
        cache.remember("a/A", new byte[] {1}, new byte[] {10});
        cache.save();
        assertTrue(Files.exists(file));
        cache.discard();
        assertFalse(Files.exists(file));
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
            assertEquals(HookFile.identity(a), HookFile.identity(b), "entries not the agent's do not count");
            assertTrue(HookFile.identity(a) != HookFile.identity(c), "a changed agent class does");
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
