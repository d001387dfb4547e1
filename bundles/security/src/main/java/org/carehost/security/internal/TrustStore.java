package org.carehost.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

/**
 * The certificates an operator trusts to sign plugins: every {@code .pem}, {@code .crt}, {@code .cer} or
 * {@code .der} file in {@code etc/security/trusted/}. A plain folder rather than a keystore, so that adding or
 * removing a signer is copying or deleting a file, and no keystore password has to live next to it.
 */
final class TrustStore {

    private final Path dir;
    private final List<X509Certificate> certificates;
    private final List<String> problems;

    private TrustStore(Path dir, List<X509Certificate> certificates, List<String> problems) {
        this.dir = dir;
        this.certificates = List.copyOf(certificates);
        this.problems = List.copyOf(problems);
    }

    static TrustStore load(Path dir) {
        List<X509Certificate> certificates = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{pem,crt,cer,der}")) {
                CertificateFactory factory = CertificateFactory.getInstance("X.509");
                for (Path file : files) {
                    try (InputStream in = Files.newInputStream(file)) {
                        for (Certificate certificate : factory.generateCertificates(in)) {
                            certificates.add((X509Certificate) certificate);
                        }
                    } catch (IOException | GeneralSecurityException | RuntimeException e) {
                        problems.add(file.getFileName() + ": not a certificate (" + e.getMessage() + ")");
                    }
                }
            } catch (IOException | GeneralSecurityException e) {
                problems.add(dir + ": " + e.getMessage());
            }
        }
        return new TrustStore(dir, certificates, problems);
    }

    /** Whether the other store trusts exactly the same certificates (and reports the same unreadable files). */
    boolean sameAs(TrustStore other) {
        return other != null && certificates.equals(other.certificates) && problems.equals(other.problems);
    }

    Path dir() {
        return dir;
    }

    List<String> problems() {
        return problems;
    }

    List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        for (X509Certificate certificate : certificates) {
            subjects.add(dn(certificate));
        }
        return subjects;
    }

    /** The signer a jar's chains make trusted (the first accepted chain's leaf), or why none does. */
    record Verdict(String signer, String problem) {
    }

    /**
     * The subject of the first chain that {@link SignerChain} accepts on {@code at} (the plugin's install), else
     * null with every chain's reason.
     */
    Verdict trustedSigner(List<List<X509Certificate>> chains, Date at) {
        List<String> refusals = new ArrayList<>();
        for (List<X509Certificate> chain : chains) {
            String refusal = SignerChain.refusal(chain, certificates, at);
            if (refusal == null) {
                return new Verdict(dn(chain.get(0)), null);
            }
            refusals.add(refusal);
        }
        return new Verdict(null, refusals.isEmpty() ? null : String.join("; ", refusals));
    }

    static String dn(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }
}
