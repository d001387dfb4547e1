package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.carehost.security.internal.TestCertificates.Issued;
import org.carehost.security.internal.TestCertificates.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which signer chains make a trusted signer (redteam-3 #3): a trusted vendor's own certificate cannot issue a
 * certificate in another vendor's name; a CA's can; a pinned certificate signs by itself; dates are the install's.
 */
class SignerChainTest {

    private static final String VENDOR_A = "CN=A Health,O=A";
    private static final String VENDOR_B = "CN=B Labs,O=B";

    @TempDir
    Path trusted;

    private final Date now = new Date();

    @Test
    void aTrustedVendorsOwnCertificateCannotIssueAnotherVendorsName() throws Exception {
        Issued a = TestCertificates.selfSigned(new Spec(VENDOR_A)); // keytool's default: no basicConstraints
        Issued fakeB = TestCertificates.issuedBy(a, new Spec(VENDOR_B));
        TrustStore.Verdict verdict = trust(a).trustedSigner(List.of(List.of(fakeB.certificate(), a.certificate())), now);
        assertNull(verdict.signer());
        assertTrue(verdict.problem().contains(VENDOR_A + " is trusted as a signer, not as a certificate authority"),
                verdict.problem());
        // ... nor without A in the chain, nor with A marked an end entity
        assertNull(trust(a).trustedSigner(List.of(List.of(fakeB.certificate())), now).signer());
        Issued endEntityA = TestCertificates.selfSigned(new Spec(VENDOR_A).endEntity());
        Issued fakeB2 = TestCertificates.issuedBy(endEntityA, new Spec(VENDOR_B));
        assertNull(trust(endEntityA).trustedSigner(
                List.of(List.of(fakeB2.certificate(), endEntityA.certificate())), now).signer());
        // A itself still signs as A
        assertEquals(VENDOR_A, trust(a).trustedSigner(List.of(List.of(a.certificate())), now).signer());
    }

    @Test
    void aLeafIssuedByATrustedVendorsLeafUnderATrustedCaIsRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(new Spec("CN=Hospital CA").ca(-1)
                .keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        Issued a = TestCertificates.issuedBy(ca, new Spec(VENDOR_A).endEntity().keyUsage(KeyUsage.digitalSignature));
        Issued fakeB = TestCertificates.issuedBy(a, new Spec(VENDOR_B));
        TrustStore.Verdict verdict = trust(ca).trustedSigner(
                List.of(List.of(fakeB.certificate(), a.certificate(), ca.certificate())), now);
        assertNull(verdict.signer());
        assertTrue(verdict.problem().contains("does not lead to a trusted certificate authority"), verdict.problem());
        assertEquals(VENDOR_A, trust(ca).trustedSigner(List.of(List.of(a.certificate(), ca.certificate())), now).signer());
    }

    @Test
    void aLeafIssuedByATrustedCaIsAcceptedWithOrWithoutTheCaInTheChain() throws Exception {
        Issued ca = TestCertificates.selfSigned(new Spec("CN=Vendor Root").ca(1)
                .keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        Issued intermediate = TestCertificates.issuedBy(ca, new Spec("CN=Vendor Signing CA").ca(0)
                .keyUsage(KeyUsage.keyCertSign));
        Issued leaf = TestCertificates.issuedBy(intermediate, new Spec(VENDOR_B).endEntity()
                .keyUsage(KeyUsage.digitalSignature).extended(KeyPurposeId.id_kp_codeSigning));
        TrustStore store = trust(ca);
        assertEquals(VENDOR_B, store.trustedSigner(List.of(
                List.of(leaf.certificate(), intermediate.certificate(), ca.certificate())), now).signer());
        assertEquals(VENDOR_B, store.trustedSigner(List.of(
                List.of(leaf.certificate(), intermediate.certificate())), now).signer());
        // the first accepted chain names the signer; a refused one before it does not count
        Issued stranger = TestCertificates.selfSigned(new Spec("CN=Stranger"));
        assertEquals(VENDOR_B, store.trustedSigner(List.of(List.of(stranger.certificate()),
                List.of(leaf.certificate(), intermediate.certificate())), now).signer());
    }

    @Test
    void aPinnedSelfSignedLeafIsAccepted() throws Exception {
        Issued pinned = TestCertificates.selfSigned(new Spec(VENDOR_B));
        assertEquals(VENDOR_B, trust(pinned).trustedSigner(List.of(List.of(pinned.certificate())), now).signer());
        Issued codeSigning = TestCertificates.selfSigned(new Spec(VENDOR_A).endEntity()
                .keyUsage(KeyUsage.digitalSignature).extended(KeyPurposeId.id_kp_codeSigning));
        assertEquals(VENDOR_A, trust(codeSigning).trustedSigner(List.of(List.of(codeSigning.certificate())), now)
                .signer());
        Issued unknown = TestCertificates.selfSigned(new Spec(VENDOR_B));
        assertNull(trust(pinned).trustedSigner(List.of(List.of(unknown.certificate())), now).signer());
    }

    @Test
    void pathLengthAndTheAnchorsKeyUsageAreHonoured() throws Exception {
        Issued ca = TestCertificates.selfSigned(new Spec("CN=Root").ca(0).keyUsage(KeyUsage.keyCertSign));
        Issued intermediate = TestCertificates.issuedBy(ca, new Spec("CN=Sub CA").ca(0).keyUsage(KeyUsage.keyCertSign));
        Issued leaf = TestCertificates.issuedBy(intermediate, new Spec(VENDOR_B).endEntity());
        TrustStore.Verdict tooDeep = trust(ca).trustedSigner(
                List.of(List.of(leaf.certificate(), intermediate.certificate())), now);
        assertNull(tooDeep.signer());
        assertTrue(tooDeep.problem().contains("allows 0 intermediate CA(s)"), tooDeep.problem());

        Issued noCertSign = TestCertificates.selfSigned(new Spec("CN=TLS Root").ca(-1).keyUsage(KeyUsage.cRLSign));
        Issued issued = TestCertificates.issuedBy(noCertSign, new Spec(VENDOR_B).endEntity());
        TrustStore.Verdict verdict = trust(noCertSign).trustedSigner(List.of(List.of(issued.certificate())), now);
        assertNull(verdict.signer());
        assertTrue(verdict.problem().contains("no keyCertSign"), verdict.problem());
    }

    @Test
    void aLeafThatCannotSignCodeIsRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(new Spec("CN=Hospital CA").ca(-1).keyUsage(KeyUsage.keyCertSign));
        Issued tls = TestCertificates.issuedBy(ca, new Spec("CN=www.hospital.example").endEntity()
                .keyUsage(KeyUsage.digitalSignature).extended(KeyPurposeId.id_kp_serverAuth));
        TrustStore.Verdict server = trust(ca).trustedSigner(List.of(List.of(tls.certificate())), now);
        assertNull(server.signer());
        assertTrue(server.problem().contains("is not for code signing"), server.problem());

        Issued caOnly = TestCertificates.issuedBy(ca, new Spec("CN=Issuing CA").ca(0).keyUsage(KeyUsage.keyCertSign));
        TrustStore.Verdict issuing = trust(ca).trustedSigner(List.of(List.of(caOnly.certificate())), now);
        assertNull(issuing.signer());
        assertTrue(issuing.problem().contains("no digitalSignature"), issuing.problem());

        Issued subCa = TestCertificates.issuedBy(ca, new Spec("CN=Sub CA").ca(0));
        TrustStore.Verdict ca2 = trust(ca).trustedSigner(List.of(List.of(subCa.certificate())), now);
        assertNull(ca2.signer());
        assertTrue(ca2.problem().contains("is a certificate authority"), ca2.problem());
    }

    @Test
    void datesAreJudgedOnTheInstallDay() throws Exception {
        Instant from = Instant.now().minus(Duration.ofDays(10));
        Instant to = Instant.now().minus(Duration.ofDays(1));
        Issued expired = TestCertificates.selfSigned(new Spec(VENDOR_A).valid(from, to));
        TrustStore store = trust(expired);
        TrustStore.Verdict today = store.trustedSigner(List.of(List.of(expired.certificate())), now);
        assertNull(today.signer());
        assertTrue(today.problem().contains("had expired"), today.problem());
        // installed while it was valid: still the signer at a restart after it expired
        Date installed = Date.from(from.plus(Duration.ofDays(2)));
        assertEquals(VENDOR_A, store.trustedSigner(List.of(List.of(expired.certificate())), installed).signer());

        Issued ca = TestCertificates.selfSigned(new Spec("CN=Old CA").ca(-1).valid(from, to));
        Issued leaf = TestCertificates.issuedBy(ca, new Spec(VENDOR_B).endEntity());
        TrustStore.Verdict underExpiredCa = trust(ca).trustedSigner(List.of(List.of(leaf.certificate())), now);
        assertNull(underExpiredCa.signer());
        assertTrue(underExpiredCa.problem().contains("CN=Old CA had expired"), underExpiredCa.problem());
    }

    private TrustStore trust(Issued... certificates) throws Exception {
        Path dir = Files.createTempDirectory(trusted, "trusted");
        int n = 0;
        for (Issued issued : certificates) {
            X509Certificate certificate = issued.certificate();
            Files.write(dir.resolve("cert" + n++ + ".der"), certificate.getEncoded());
        }
        TrustStore store = TrustStore.load(dir);
        assertEquals(List.of(), store.problems());
        assertNotNull(store);
        return store;
    }
}
