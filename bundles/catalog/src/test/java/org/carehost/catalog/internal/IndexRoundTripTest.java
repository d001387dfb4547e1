package org.carehost.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.GZIPOutputStream;

import org.carehost.catalog.CatalogException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.resource.Resource;

/** The indexer's output read back by the reader, and what the reader refuses. */
class IndexRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void indexCarriesPermissionsAndContentAndReadsBack() throws Exception {
        bundle(dir.resolve("lib.jar"), "org.example.lib", null);
        bundle(dir.resolve("app.jar"), "org.example.app", "read:patients,write:audit");
        Path index = dir.resolve("index.xml");
        assertEquals(2, IndexWriter.write(dir, index));

        List<Resource> resources = IndexReader.parse(Files.readAllBytes(index), index.toUri());
        assertEquals(2, resources.size());
        Resource app = resources.stream().filter(r -> "org.example.app".equals(Resources.symbolicName(r))).findFirst()
                .orElseThrow();
        assertEquals(List.of("read:patients", "write:audit"), Resources.permissions(app));
        assertNull(Resources.signer(app));
        assertEquals("library", Resources.kind(app));
        assertEquals(Artifacts.sha256(dir.resolve("app.jar")), Resources.sha256(app));
        assertEquals(dir.resolve("app.jar").toUri(), java.net.URI.create(Resources.url(app)));
    }

    @Test
    void gzippedIndexIsRead() throws Exception {
        bundle(dir.resolve("lib.jar"), "org.example.lib", null);
        Path index = dir.resolve("index.xml.gz");
        IndexWriter.write(dir, index);
        assertEquals(1, IndexReader.parse(Files.readAllBytes(index), index.toUri()).size());
    }

    @Test
    void garbageDoctypeAndReferralsAreRefusedWithReasons() {
        assertTrue(refusal("not xml at all").contains("not a valid repository index"));
        assertTrue(refusal("<html><body>404</body></html>").contains("not a repository index"));
        assertTrue(refusal("<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<repository xmlns='http://www.osgi.org/xmlns/repository/v1.0.0'>&x;</repository>")
                .contains("document type"));
        assertTrue(refusal("<repository xmlns='http://www.osgi.org/xmlns/repository/v1.0.0'>"
                + "<referral url='http://elsewhere/index.xml'/></repository>").contains("referrals are not followed"));
        assertTrue(refusal("").contains("not a valid repository index") || refusal("").contains("empty"));
    }

    @Test
    void multiReleasePartsAreLeftOut() throws Exception {
        String xml = "<repository xmlns='http://www.osgi.org/xmlns/repository/v1.0.0' name='x'>"
                + resource("org.example.mrj", "https://host/mrj.jar")
                + resource("org.example.mrj", "urn:osgi-bnd-mrj:11")
                + "</repository>";
        List<Resource> resources = IndexReader.parse(xml.getBytes(StandardCharsets.UTF_8),
                java.net.URI.create("https://host/index.xml"));
        assertEquals(1, resources.size());
        assertEquals("https://host/mrj.jar", Resources.url(resources.get(0)));
    }

    @Test
    void urlsAndNamesAreChecked() throws Exception {
        assertThrows(CatalogException.class, () -> Fetcher.check("http://example.org/index.xml"));
        assertThrows(CatalogException.class, () -> Fetcher.check("ftp://127.0.0.1/index.xml"));
        Fetcher.check("http://127.0.0.1:8080/index.xml");
        assertTrue(Fetcher.normalize("catalog/index.xml").startsWith("file:/"));
        assertThrows(CatalogException.class,
                () -> Fetcher.checkFrom(java.net.URI.create("https://host/index.xml"), "file:/etc/passwd"));
        assertEquals("1.2.0", Spec.of("x@1.2").version().toString());
        assertThrows(CatalogException.class, () -> Spec.of("x@not.a.version"));
    }

    private static String resource(String name, String url) {
        return "<resource><capability namespace='osgi.identity'><attribute name='osgi.identity' value='" + name + "'/>"
                + "<attribute name='type' value='osgi.bundle'/><attribute name='version' value='1.0.0' type='Version'/>"
                + "</capability><capability namespace='osgi.content'><attribute name='osgi.content' value='"
                + "ab".repeat(32) + "'/><attribute name='url' value='" + url + "'/></capability></resource>";
    }

    private static String refusal(String xml) {
        byte[] data = xml.getBytes(StandardCharsets.UTF_8);
        return assertThrows(CatalogException.class,
                () -> IndexReader.parse(data, java.net.URI.create("file:/tmp/index.xml"))).getMessage();
    }

    static void bundle(Path jar, String symbolicName, String permissions) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        if (permissions != null) {
            main.putValue("Carehost-Permissions", permissions);
        }
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            // a manifest-only bundle
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
