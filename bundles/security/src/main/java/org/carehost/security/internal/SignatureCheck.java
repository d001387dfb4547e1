package org.carehost.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Verifies a plugin's jar signature on the bytes the framework will load (its entries, not the file it came
 * from, which may have changed since). The JDK's own verifier does the cryptography: the entries are copied
 * into a scratch jar, manifest first, and read back through {@link JarFile} with verification on.
 */
final class SignatureCheck {

    /** Unsigned, signed by these chains (one per signer), or broken with a reason. */
    record Result(boolean signed, List<List<X509Certificate>> chains, String problem) {

        static Result unsigned() {
            return new Result(false, List.of(), null);
        }

        static Result broken(String problem) {
            return new Result(true, List.of(), problem);
        }
    }

    static final long MAX_BYTES = 512L * 1024 * 1024;

    private SignatureCheck() {
    }

    static boolean isSignatureFile(String path) {
        String upper = path.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        return upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC")
                || upper.startsWith("META-INF/SIG-");
    }

    static Result verify(BundleEntries entries, Path scratchDir) throws IOException {
        List<String> paths = entries.files();
        boolean hasSignature = paths.stream().anyMatch(p -> p.toUpperCase(Locale.ROOT).endsWith(".SF") && isSignatureFile(p));
        if (!hasSignature) {
            return Result.unsigned();
        }
        Files.createDirectories(scratchDir);
        Path copy = Files.createTempFile(scratchDir, "verify", ".jar");
        try {
            writeCopy(entries, paths, copy);
            return check(copy);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static void writeCopy(BundleEntries entries, List<String> paths, Path copy) throws IOException {
        List<String> ordered = new ArrayList<>();
        ordered.add(JarFile.MANIFEST_NAME);
        paths.stream().filter(SignatureCheck::isSignatureFile).forEach(ordered::add);
        paths.stream().filter(p -> !p.equals(JarFile.MANIFEST_NAME) && !isSignatureFile(p)).forEach(ordered::add);
        long copied = 0;
        byte[] buffer = new byte[8192];
        try (OutputStream file = Files.newOutputStream(copy); ZipOutputStream zip = new ZipOutputStream(file)) {
            for (String path : ordered) {
                try (InputStream in = entries.open(path)) {
                    if (in == null) {
                        continue;
                    }
                    zip.putNextEntry(new ZipEntry(path));
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        copied += n;
                        if (copied > MAX_BYTES) {
                            throw new IOException("more than " + (MAX_BYTES >> 20) + " MiB to verify");
                        }
                        zip.write(buffer, 0, n);
                    }
                    zip.closeEntry();
                }
            }
        }
    }

    private static Result check(Path copy) {
        try (JarFile jar = new JarFile(copy.toFile(), true)) {
            Set<String> present = new LinkedHashSet<>();
            List<Set<X509Certificate>> signersPerEntry = new ArrayList<>();
            List<List<X509Certificate>> chains = new ArrayList<>();
            byte[] buffer = new byte[8192];
            Enumeration<JarEntry> all = jar.entries();
            while (all.hasMoreElements()) {
                JarEntry entry = all.nextElement();
                present.add(entry.getName());
                if (entry.isDirectory() || entry.getName().equals(JarFile.MANIFEST_NAME) || isSignatureFile(entry.getName())) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    while (in.read(buffer) >= 0) {
                        // reading to the end makes the JDK compare the digest, throwing SecurityException on a change
                    }
                } catch (SecurityException changed) {
                    return Result.broken(entry.getName() + " was changed after signing (" + changed.getMessage() + ")");
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null) {
                    return Result.broken(entry.getName() + " is not covered by the signature (added after signing)");
                }
                Set<X509Certificate> leaves = new LinkedHashSet<>();
                for (CodeSigner signer : signers) {
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate certificate : signer.getSignerCertPath().getCertificates()) {
                        chain.add((X509Certificate) certificate);
                    }
                    leaves.add(chain.get(0));
                    if (chains.stream().noneMatch(c -> c.get(0).equals(chain.get(0)))) {
                        chains.add(chain);
                    }
                }
                signersPerEntry.add(leaves);
            }
            for (String name : jar.getManifest().getEntries().keySet()) {
                if (!present.contains(name) && !name.endsWith("/")) {
                    return Result.broken(name + " was removed after signing");
                }
            }
            // Only a signer that signed every entry counts.
            chains.removeIf(chain -> signersPerEntry.stream().anyMatch(leaves -> !leaves.contains(chain.get(0))));
            if (chains.isEmpty()) {
                return Result.broken("no single signer signed every entry");
            }
            return new Result(true, chains, null);
        } catch (IOException | RuntimeException e) {
            return Result.broken("the signature does not verify (" + e.getMessage() + ")");
        }
    }
}
