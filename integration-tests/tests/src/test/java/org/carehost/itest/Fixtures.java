package org.carehost.itest;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Variants of fixture jars made in the test: a changed manifest header. */
final class Fixtures {

    private Fixtures() {
    }

    /** A copy of {@code jar} in {@code dir} with one main manifest header set to {@code value}. */
    static File withManifestHeader(File jar, String header, String value, File dir) throws IOException {
        File copy = new File(dir, jar.getName());
        try (JarFile in = new JarFile(jar)) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name(header), value);
            try (OutputStream file = Files.newOutputStream(copy.toPath()); JarOutputStream out = new JarOutputStream(file, manifest)) {
                Enumeration<JarEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return copy;
    }
}
