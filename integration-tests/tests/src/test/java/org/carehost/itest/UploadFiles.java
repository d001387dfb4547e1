package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** The files {@link PluginUploadIT} uploads: zips, a plain jar, a fixture signed with jarsigner, one changed after. */
final class UploadFiles {

    private UploadFiles() {
    }

    /** A key pair for {@code dn} in {@code work/signer.p12} (keytool); its certificate goes to {@code certificate}. */
    static void makeSigner(Path work, String dn, Path certificate) throws Exception {
        run(tool("keytool"), "-genkeypair", "-keystore", work.resolve("signer.p12").toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit", "-alias", "plugin", "-keyalg", "RSA", "-keysize",
                "2048", "-validity", "2", "-dname", dn);
        run(tool("keytool"), "-exportcert", "-rfc", "-keystore", work.resolve("signer.p12").toString(), "-storepass",
                "changeit", "-alias", "plugin", "-file", certificate.toString());
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : new java.util.TreeMap<>(entries).entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A jar with a manifest but no Bundle-SymbolicName: not a bundle. */
    static byte[] plainJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Created-By", "a plain jar");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("hello.txt"));
            jar.write("hello".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** The fixture signed with the trusted test key (jarsigner). */
    static Path signed(Path work, String fixture) throws Exception {
        Path signed = work.resolve(fixture + "-signed.jar");
        if (!Files.exists(signed)) {
            run(tool("jarsigner"), "-keystore", work.resolve("signer.p12").toString(), "-storepass", "changeit",
                    "-signedjar", signed.toString(), CarehostProcess.BUNDLES.resolve(fixture + ".jar").toString(),
                    "plugin");
        }
        return signed;
    }

    /** The signed jar with one byte of one class changed after signing. */
    static byte[] tampered(Path signed) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipFile in = new ZipFile(signed.toFile()); ZipOutputStream out = new ZipOutputStream(bytes)) {
            boolean changed = false;
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    byte[] content = data.readAllBytes();
                    if (!changed && entry.getName().endsWith(".class")) {
                        content[content.length - 1] ^= 1;
                        changed = true;
                    }
                    out.write(content);
                }
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    static String tool(String name) {
        return Paths.get(System.getProperty("java.home"), "bin", name).toString();
    }

    static void run(String... command) throws Exception {
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(String.join(" ", command) + ": " + out, 0, child.exitValue());
    }
}
