package org.carehost.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The framework's run path is unpacked into the container's folder, written only where its bytes are not there. */
class RunpathTest {

    private static final byte[] FELIX = "felix's bytes".repeat(10_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] LAUNCHER = "the launcher".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(Runpath.PROPERTY);
    }

    private Path jar(String runpath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (runpath != null) {
            manifest.getMainAttributes().putValue(Runpath.ATTRIBUTE, runpath);
        }
        Path jar = dir.resolve("carehost.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("jar/felix.jar"));
            out.write(FELIX);
            out.putNextEntry(new JarEntry("jar/launcher.jar"));
            out.write(LAUNCHER);
        }
        return jar;
    }

    private String prepare(Path jar, Path root) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return Runpath.prepare(file, root);
        }
    }

    @Test
    void unpacksOwnerOnlyAndNamesTheFilesRelativeToTheFolderInTheManifestsOrder() throws IOException {
        Path root = Files.createDirectories(dir.resolve("home, with a comma"));
        assertNull(prepare(jar("jar/launcher.jar, jar/felix.jar"), root));
        assertEquals("data/cache/runpath/launcher.jar,data/cache/runpath/felix.jar", System.getProperty(Runpath.PROPERTY));
        assertArrayEquals(FELIX, Files.readAllBytes(root.resolve("data/cache/runpath/felix.jar")));
        assertArrayEquals(LAUNCHER, Files.readAllBytes(root.resolve("data/cache/runpath/launcher.jar")));
        for (String folder : new String[] {"data", "data/cache", "data/cache/runpath"}) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(folder))));
        }
    }

    @Test
    void writesOnlyAFileWithoutTheEntrysBytes() throws Exception {
        Path jar = jar("jar/felix.jar,jar/launcher.jar");
        assertNull(prepare(jar, dir));
        Path felix = dir.resolve("data/cache/runpath/felix.jar");
        Path launcher = dir.resolve("data/cache/runpath/launcher.jar");
        Object felixKey = Files.readAttributes(felix, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        // the same length, one byte different: compared by content, not by size
        byte[] damaged = LAUNCHER.clone();
        damaged[3] ^= 1;
        Files.write(launcher, damaged);
        Object launcherKey = Files.readAttributes(launcher, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        System.clearProperty(Runpath.PROPERTY);

        assertNull(prepare(jar, dir));
        assertEquals(felixKey, Files.readAttributes(felix, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "whole: left as it was");
        assertArrayEquals(LAUNCHER, Files.readAllBytes(launcher));
        assertFalse(launcherKey.equals(Files.readAttributes(launcher,
                java.nio.file.attribute.BasicFileAttributes.class).fileKey()), "damaged: a new file renamed into place");
    }

    @Test
    void removesThePartFilesOfProcessesThatAreGoneOnly() throws Exception {
        Path folder = Files.createDirectories(dir.resolve(Runpath.FOLDER));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.writeString(folder.resolve("felix.jar." + gone.pid() + ".part"), "half");
        long alive = ProcessHandle.current().parent().orElseThrow().pid(); // this test's own is the name it writes
        Path live = Files.writeString(folder.resolve("felix.jar." + alive + ".part"), "half");
        Path other = Files.writeString(folder.resolve("notes.part"), "an operator's");
        assertNull(prepare(jar("jar/felix.jar"), dir));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(live), "a live process's file is its own");
        assertTrue(Files.exists(other), "not a part file of this shape");
    }

    @Test
    void aJarWithoutTheAttributeOrARunpathGivenAlreadyIsLeftToBndsLauncher() throws IOException {
        assertNull(prepare(jar(null), dir));
        assertNull(System.getProperty(Runpath.PROPERTY));
        assertFalse(Files.exists(dir.resolve("data")), "nothing made");

        System.setProperty(Runpath.PROPERTY, "/somewhere/else.jar");
        assertNull(prepare(jar("jar/felix.jar"), dir));
        assertEquals("/somewhere/else.jar", System.getProperty(Runpath.PROPERTY));
        assertFalse(Files.exists(dir.resolve("data")));
    }

    @Test
    void anEntryTheJarLacksOrAFolderThatCannotBeWrittenIsOneLineAndSetsNothing() throws IOException {
        String missing = prepare(jar("jar/felix.jar,jar/gone.jar"), dir);
        assertTrue(missing.startsWith("carehost: cannot unpack the framework into ") && missing.contains("lacks jar/gone.jar")
                && missing.endsWith("Nothing was started (exit status 5)"), missing);
        assertNull(System.getProperty(Runpath.PROPERTY));

        Path root = Files.createDirectories(dir.resolve("blocked"));
        try (OutputStream file = Files.newOutputStream(root.resolve("data"))) {
            file.write('x'); // a file where the data folder belongs
        }
        String blocked = prepare(jar("jar/felix.jar"), root);
        assertTrue(blocked.contains("FileAlreadyExistsException") || blocked.contains("data"), blocked);
        assertNull(System.getProperty(Runpath.PROPERTY));
    }
}
