package org.carehost.security.internal;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether one signer's certificate chain makes its first certificate (the leaf, whose key signed the jar) a trusted
 * signer, on a given date (the plugin's install). Accepted are:
 * <ul>
 * <li>a leaf that is itself a trusted (pinned) certificate; or</li>
 * <li>a leaf issued through certificate authorities up to a trusted certificate: the JDK's PKIX validator checks
 * the certificates below the trusted one (signatures, dates, CA, path length, key usage, critical extensions;
 * revocation off), and the trusted certificate that issued them must be a CA itself, which PKIX does not check of
 * a trust anchor. A trusted vendor's own (non-CA) certificate therefore cannot vouch for another name.</li>
 * </ul>
 * Either way the leaf must be able to sign code: key usage, when present, includes digitalSignature, and the
 * extended key usage, when present, includes codeSigning (or any). A leaf that is not pinned must not be a CA.
 */
final class SignerChain {

    static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    static final String ANY_USAGE = "2.5.29.37.0";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;

    private SignerChain() {
    }

    /** Why the chain does not make its leaf a trusted signer on {@code at}; null when it does. */
    static String refusal(List<X509Certificate> chain, List<X509Certificate> trusted, Date at) {
        if (chain.isEmpty()) {
            return "an empty certificate chain";
        }
        X509Certificate leaf = chain.get(0);
        String usage = leafUsageProblem(leaf);
        if (usage != null) {
            return usage;
        }
        int anchorAt = trustedIndex(chain, trusted);
        if (anchorAt == 0) {
            return dateProblem(leaf, at);
        }
        if (leaf.getBasicConstraints() >= 0) {
            return TrustStore.dn(leaf) + " is a certificate authority; a CA issues certificates, it does not sign "
                    + "plugins (sign with a certificate it issued, or trust this one itself)";
        }
        List<X509Certificate> path = chain.subList(0, anchorAt < 0 ? chain.size() : anchorAt);
        return issuedProblem(path, trusted, at);
    }

    private static String issuedProblem(List<X509Certificate> path, List<X509Certificate> trusted, Date at) {
        if (trusted.isEmpty()) {
            return "the trust store is empty";
        }
        X509Certificate anchor;
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate certificate : trusted) {
                anchors.add(new TrustAnchor(certificate, null));
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(at);
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(factory.generateCertPath(path), parameters);
            anchor = result.getTrustAnchor().getTrustedCert();
        } catch (CertPathValidatorException e) {
            return "the chain of " + TrustStore.dn(path.get(0)) + " does not lead to a trusted certificate authority ("
                    + e.getMessage() + ")";
        } catch (GeneralSecurityException | RuntimeException e) {
            return "the chain of " + TrustStore.dn(path.get(0)) + " cannot be checked (" + e + ")";
        }
        String issuing = issuerProblem(anchor, intermediates(path));
        return issuing != null ? issuing : dateProblem(anchor, at);
    }

    /** Intermediates that count against a path length: those below the anchor but the leaf, not self-issued. */
    private static int intermediates(List<X509Certificate> path) {
        int count = 0;
        for (X509Certificate certificate : path.subList(1, path.size())) {
            if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                count++;
            }
        }
        return count;
    }

    private static String issuerProblem(X509Certificate anchor, int below) {
        int pathLength = anchor.getBasicConstraints();
        if (pathLength < 0) {
            return TrustStore.dn(anchor) + " is trusted as a signer, not as a certificate authority (no basicConstraints "
                    + "CA), so the certificates it issued are not trusted: trust the signer's own certificate, or a CA";
        }
        if (pathLength < below) {
            return TrustStore.dn(anchor) + " allows " + pathLength + " intermediate CA(s) below it (path length), the "
                    + "chain has " + below;
        }
        boolean[] usage = anchor.getKeyUsage();
        if (usage != null && (usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN])) {
            return TrustStore.dn(anchor) + " may not issue certificates (its key usage has no keyCertSign)";
        }
        return null;
    }

    private static String leafUsageProblem(X509Certificate leaf) {
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null && (usage.length <= DIGITAL_SIGNATURE || !usage[DIGITAL_SIGNATURE])) {
            return TrustStore.dn(leaf) + " may not sign (its key usage has no digitalSignature): it is not a code "
                    + "signing certificate";
        }
        List<String> extended;
        try {
            extended = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return TrustStore.dn(leaf) + ": its extended key usage cannot be read (" + e.getMessage() + ")";
        }
        if (extended != null && !extended.contains(CODE_SIGNING) && !extended.contains(ANY_USAGE)) {
            return TrustStore.dn(leaf) + " is not for code signing (its extended key usage is " + extended
                    + ", without codeSigning)";
        }
        return null;
    }

    private static String dateProblem(X509Certificate certificate, Date at) {
        try {
            certificate.checkValidity(at);
            return null;
        } catch (CertificateExpiredException e) {
            return TrustStore.dn(certificate) + " had expired (" + certificate.getNotAfter().toInstant()
                    + ") when the plugin was installed (" + at.toInstant() + ")";
        } catch (CertificateNotYetValidException e) {
            return TrustStore.dn(certificate) + " was not yet valid (from " + certificate.getNotBefore().toInstant()
                    + ") when the plugin was installed (" + at.toInstant() + ")";
        }
    }

    private static int trustedIndex(List<X509Certificate> chain, List<X509Certificate> trusted) {
        for (int i = 0; i < chain.size(); i++) {
            if (contains(trusted, chain.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(List<X509Certificate> trusted, X509Certificate certificate) {
        try {
            byte[] encoded = certificate.getEncoded();
            for (X509Certificate candidate : trusted) {
                if (Arrays.equals(encoded, candidate.getEncoded())) {
                    return true;
                }
            }
        } catch (GeneralSecurityException e) {
            return false;
        }
        return false;
    }
}
