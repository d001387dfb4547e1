package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.UUID;

import javax.inject.Inject;

import org.carehost.security.SecurityAdmin;
import org.carehost.security.SecurityMode;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * redteam-3 #3, with real keytool certificates and jarsigner signatures: a trusted vendor's own certificate (keytool's
 * default, not a CA) cannot issue a certificate in another vendor's name and so sign as that vendor; a leaf a trusted
 * CA issued for code signing signs as itself.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SignerChainIT {

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("signerchain")};
    }

    @Test
    public void aTrustedVendorCannotSignAsAnotherVendor() throws Exception {
        Path work = Fixtures.workFolder("signerchain");
        Path keystore = work.resolve("vendor-a.p12");
        String vendorA = "CN=Vendor A " + UUID.randomUUID() + ",O=Carehost Tests";
        String vendorB = "CN=Vendor B " + UUID.randomUUID() + ",O=Carehost Tests";
        Signing.keytool(keystore, "-genkeypair", "-alias", "a", "-keyalg", "EC", "-validity", "2", "-dname", vendorA);
        trust(keystore, "a", vendorA);
        // A makes a key pair in B's name and, with its own (non-CA) key, a certificate for it.
        Signing.keytool(keystore, "-genkeypair", "-alias", "b", "-keyalg", "EC", "-validity", "2", "-dname", vendorB);
        Path request = work.resolve("b.csr");
        Path forged = work.resolve("b-by-a.pem");
        Signing.keytool(keystore, "-certreq", "-alias", "b", "-file", request.toString());
        Signing.keytool(keystore, "-gencert", "-alias", "a", "-rfc", "-validity", "2", "-infile", request.toString(),
                "-outfile", forged.toString());
        Path chain = work.resolve("chain.pem");
        Path a = work.resolve("a.pem");
        Signing.keytool(keystore, "-exportcert", "-rfc", "-alias", "a", "-file", a.toString());
        Files.writeString(chain, Files.readString(forged) + Files.readString(a));
        Path signed = Signing.signWithChain(keystore, "b", chain,
                ContainerOptions.bundleFile("carehost-fixture-greeter-v1").toPath(), work.resolve("forged.jar"));

        Bundle plugin = Fixtures.installAsPlugin(context, signed.toFile());
        try {
            assertNull("a chain under vendor A's own certificate makes no signer", security.report(plugin).signer());
            security.setMode(SecurityMode.PRODUCTION);
            try {
                plugin.start();
                fail("a plugin signed in another vendor's name by a trusted non-CA certificate started in production");
            } catch (BundleException expected) {
                String refusals = String.join(" ", security.refusals(plugin));
                assertTrue(refusals, refusals.contains("it is signed, but not by a certificate in the trust store"));
                assertTrue(refusals, refusals.contains(vendorA + " is trusted as a signer, not as a certificate "
                        + "authority"));
            }
        } finally {
            security.setMode(SecurityMode.DEVELOPMENT);
            plugin.uninstall();
        }
    }

    @Test
    public void aCodeSigningLeafATrustedCaIssuedSignsAsItself() throws Exception {
        Path work = Fixtures.workFolder("signerchain");
        Path keystore = work.resolve("vendor-ca.p12");
        String ca = "CN=Vendor Root " + UUID.randomUUID() + ",O=Carehost Tests";
        String leaf = "CN=Vendor Code Signing " + UUID.randomUUID() + ",O=Carehost Tests";
        Signing.keytool(keystore, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-validity", "2", "-dname", ca,
                "-ext", "bc:c=ca:true,pathlen:0", "-ext", "ku:c=keyCertSign,cRLSign");
        trust(keystore, "ca", ca);
        Signing.keytool(keystore, "-genkeypair", "-alias", "leaf", "-keyalg", "EC", "-validity", "2", "-dname", leaf);
        Path request = work.resolve("leaf.csr");
        Path issued = work.resolve("leaf.pem");
        Signing.keytool(keystore, "-certreq", "-alias", "leaf", "-file", request.toString());
        Signing.keytool(keystore, "-gencert", "-alias", "ca", "-rfc", "-validity", "2", "-infile", request.toString(),
                "-outfile", issued.toString(), "-ext", "ku:c=digitalSignature", "-ext", "eku=codeSigning");
        Signing.keytool(keystore, "-importcert", "-alias", "leaf", "-file", issued.toString(), "-noprompt");
        Path signed = Signing.signAs(keystore, "leaf",
                ContainerOptions.bundleFile("carehost-fixture-greeter-v1").toPath(), work.resolve("ca-signed.jar"));

        Bundle plugin = Fixtures.installAsPlugin(context, signed.toFile());
        try {
            assertEquals(leaf, security.report(plugin).signer());
            security.setMode(SecurityMode.PRODUCTION);
            plugin.start();
            assertEquals(Bundle.ACTIVE, plugin.getState());
        } finally {
            security.setMode(SecurityMode.DEVELOPMENT);
            plugin.uninstall();
        }
    }

    /** Copies the certificate of {@code alias} into the container's trust store folder and waits until it is read. */
    private void trust(Path keystore, String alias, String dn) throws Exception {
        Path trusted = Paths.get(context.getProperty("carehost.security.truststore"));
        Files.createDirectories(trusted);
        Signing.keytool(keystore, "-exportcert", "-rfc", "-alias", alias, "-file",
                trusted.resolve("chain-test-" + UUID.randomUUID() + ".pem").toString());
        Await.until("the trust store is re-read", 20_000, () -> security.status().trustedSigners().contains(dn));
    }
}
