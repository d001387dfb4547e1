package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadArchiveTest {

    private static final UploadArchive.Limits LIMITS = new UploadArchive.Limits(10_000_000, 20_000_000, 100, 100);

    @TempDir
    Path folder;

    @Test
    void entryNamesOutsideTheArchiveAreNamed() {
        assertNull(UploadArchive.unsafeName("lib/a.jar"));
        assertNull(UploadArchive.unsafeName("a..b/c.jar"));
        assertTrue(UploadArchive.unsafeName("../a.jar").contains(".."));
        assertTrue(UploadArchive.unsafeName("lib/../../a.jar").contains(".."));
        assertTrue(UploadArchive.unsafeName("/etc/passwd").contains("absolute"));
        assertTrue(UploadArchive.unsafeName("C:/x.jar").contains("absolute"));
        assertTrue(UploadArchive.unsafeName("lib\\..\\a.jar").contains("backslash"));
    }

    @Test
    void aZipOfAPluginAndItsLibraryIsReadLibraryFirst() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("plugin.jar", bundle("org.example.plugin", true));
        entries.put("lib/library.jar", bundle("org.example.library", false));
        entries.put("README.txt", "hello".getBytes());
        List<UploadArchive.Jar> jars = open(zip(entries));
        assertEquals(List.of("org.example.library", "org.example.plugin"),
                jars.stream().map(UploadArchive.Jar::symbolicName).toList());
        assertEquals(64, jars.get(0).sha256().length());
    }

    @Test
    void bombsTraversalsAndPlainJarsAreRefused() throws Exception {
        Problems.Failure bomb = assertThrows(Problems.Failure.class,
                () -> open(zip(Map.of("zeros", new byte[15_000_000]))));
        assertTrue(bomb.getMessage().contains("zip bomb"), bomb.getMessage());
        Problems.Failure total = assertThrows(Problems.Failure.class, () -> new Object() {
            List<UploadArchive.Jar> run() throws Exception {
                Path file = Files.write(folder.resolve("big.zip"), zip(Map.of("zeros", new byte[3_000_000])));
                return UploadArchive.open(file, "big.zip", Files.createDirectories(folder.resolve("big")),
                        new UploadArchive.Limits(10_000_000, 2_000_000, 100, 100_000));
            }
        }.run());
        assertTrue(total.getMessage().contains("maxUncompressedBytes"), total.getMessage());
        Problems.Failure climbs = assertThrows(Problems.Failure.class,
                () -> open(zip(Map.of("../x.jar", bundle("org.example.plugin", true)))));
        assertEquals("unsafe-archive", climbs.type);
        Problems.Failure plain = assertThrows(Problems.Failure.class, () -> open(zip(Map.of("a.txt", new byte[10]))));
        assertEquals("not-a-bundle", plain.type);
        Problems.Failure two = assertThrows(Problems.Failure.class, () -> open(zip(Map.of(
                "a.jar", bundle("org.example.a", true), "b.jar", bundle("org.example.b", true)))));
        assertEquals("not-one-plugin", two.type);
        Problems.Failure many = assertThrows(Problems.Failure.class, () -> new Object() {
            List<UploadArchive.Jar> run() throws Exception {
                Map<String, byte[]> lots = new LinkedHashMap<>();
                for (int i = 0; i < 101; i++) {
                    lots.put("f" + i, new byte[1]);
                }
                return open(zip(lots));
            }
        }.run());
        assertTrue(many.getMessage().contains("maxEntries"), many.getMessage());
    }

    private List<UploadArchive.Jar> open(byte[] upload) throws Exception {
        Path file = Files.write(Files.createTempFile(folder, "upload", ".zip"), upload);
        return UploadArchive.open(file, "test.zip", Files.createTempDirectory(folder, "jars"), LIMITS);
    }

    private static byte[] bundle(String symbolicName, boolean plugin) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        if (plugin) {
            manifest.getMainAttributes().putValue("Service-Component", "OSGI-INF/x.xml");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("x.txt"));
            jar.write(1);
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
