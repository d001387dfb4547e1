package org.carehost.security.internal;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made for a test with Bouncy Castle's builder (keys from the JDK): CAs, signers, forgeries. */
final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A key pair and the certificate made for it. */
    record Issued(KeyPair keys, X509Certificate certificate) {
        String dn() {
            return TrustStore.dn(certificate);
        }
    }

    /** What goes into one certificate; null fields leave the extension out. */
    static final class Spec {
        final String dn;
        Integer caPathLength;      // basicConstraints cA=true with this path length (-1: no limit)
        Boolean endEntity;         // basicConstraints cA=false
        Integer keyUsage;          // KeyUsage bits
        KeyPurposeId[] extended;   // extended key usage
        Instant from = Instant.now().minus(Duration.ofDays(1));
        Instant to = Instant.now().plus(Duration.ofDays(30));

        Spec(String dn) {
            this.dn = dn;
        }

        Spec ca(int pathLength) {
            caPathLength = pathLength;
            return this;
        }

        Spec endEntity() {
            endEntity = true;
            return this;
        }

        Spec keyUsage(int bits) {
            keyUsage = bits;
            return this;
        }

        Spec extended(KeyPurposeId... purposes) {
            extended = purposes;
            return this;
        }

        Spec valid(Instant from, Instant to) {
            this.from = from;
            this.to = to;
            return this;
        }
    }

    private TestCertificates() {
    }

    static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** A self-signed certificate, like keytool's default when {@code spec} adds nothing. */
    static Issued selfSigned(Spec spec) throws Exception {
        KeyPair keys = keys();
        return new Issued(keys, build(spec, keys, new X500Principal(spec.dn), keys));
    }

    /** A certificate for a new key, issued (signed) by {@code issuer}, whatever the issuer is allowed to do. */
    static Issued issuedBy(Issued issuer, Spec spec) throws Exception {
        KeyPair keys = keys();
        return new Issued(keys, build(spec, keys, issuer.certificate().getSubjectX500Principal(), issuer.keys()));
    }

    private static X509Certificate build(Spec spec, KeyPair subject, X500Principal issuer, KeyPair signer)
            throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(spec.from), Date.from(spec.to),
                new X500Principal(spec.dn), subject.getPublic());
        if (spec.caPathLength != null) {
            builder.addExtension(Extension.basicConstraints, true, spec.caPathLength < 0
                    ? new BasicConstraints(true) : new BasicConstraints(spec.caPathLength));
        } else if (spec.endEntity != null) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        }
        if (spec.keyUsage != null) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsage));
        }
        if (spec.extended != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(spec.extended));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
