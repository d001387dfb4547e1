package org.carehost.catalog.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import javax.security.auth.x500.X500Principal;

/**
 * The signer of a bundle jar as the catalog names it: the subject of the certificate that signs every entry, as
 * the JDK's jar verifier reports it ({@code null} for an unsigned jar or one whose entries are not all signed by the
 * same signer). Whether that signer is trusted is the security manager's decision at install; the catalog uses the
 * name to describe plugins in its index and to check that a download is what its index said.
 */
final class Signers {

    private Signers() {
    }

    static String of(Path jar) throws IOException {
        Set<String> common = null;
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            Enumeration<JarEntry> entries = file.entries();
            byte[] buffer = new byte[16 * 1024];
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || entry.getName().toUpperCase(Locale.ROOT).startsWith("META-INF/")) {
                    continue;
                }
                try (InputStream in = file.getInputStream(entry)) {
                    while (in.read(buffer) > 0) {
                        // reading the entry is what verifies it
                    }
                } catch (SecurityException broken) {
                    throw new IOException("its signature does not verify (" + broken.getMessage() + ")", broken);
                }
                Set<String> signers = new LinkedHashSet<>();
                CodeSigner[] codeSigners = entry.getCodeSigners();
                if (codeSigners != null) {
                    for (CodeSigner signer : codeSigners) {
                        Certificate first = signer.getSignerCertPath().getCertificates().get(0);
                        if (first instanceof X509Certificate x509) {
                            signers.add(x509.getSubjectX500Principal().getName(X500Principal.RFC2253));
                        }
                    }
                }
                if (common == null) {
                    common = signers;
                } else {
                    common.retainAll(signers);
                }
                if (common.isEmpty()) {
                    return null;
                }
            }
        }
        return common == null || common.isEmpty() ? null : common.iterator().next();
    }

    /** Whether two distinguished names name the same signer (spacing and attribute-name case aside). */
    static boolean sameName(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        try {
            return new X500Principal(a).equals(new X500Principal(b));
        } catch (IllegalArgumentException notADn) {
            return a.trim().equalsIgnoreCase(b.trim());
        }
    }
}
