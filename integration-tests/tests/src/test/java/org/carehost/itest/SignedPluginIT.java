package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import javax.inject.Inject;

import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginManager;
import org.carehost.security.SecurityAdmin;
import org.carehost.security.SecurityMode;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Signed plugins, signed for real: each test makes a key pair and certificate with keytool, signs a fixture
 * with jarsigner, and trusts the certificate by copying it into the trust store folder. A jar changed after
 * signing is refused before it resolves; in production mode so is an unsigned one.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SignedPluginIT {

    /** Unique per test: the trust store folder may hold an earlier test's certificate with the same name. */
    private final String signer = "CN=Carehost Test Signer " + UUID.randomUUID() + ",O=Carehost Tests";

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Inject
    PluginManager plugins;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("signed")};
    }

    @Test
    public void aJarSignedByATrustedSignerRunsAndOneChangedAfterSigningIsRefused() throws Exception {
        Path work = Fixtures.workFolder("signing");
        Path signed = signAndTrust(work, ContainerOptions.bundleFile("carehost-fixture-greeter-v1").toPath());

        Bundle good = install(signed);
        good.start();
        assertEquals(Bundle.ACTIVE, good.getState());
        assertEquals(signer, security.report(good).signer());
        good.uninstall();

        Path changed = rewrite(signed, work.resolve("changed.jar"), false);
        try {
            plugins.install(changed.toString());
            fail("installed a jar changed after signing");
        } catch (PluginException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("was changed after signing"));
        }

        Path added = rewrite(signed, work.resolve("added.jar"), true);
        Bundle extra = install(added);
        try {
            extra.start();
            fail("started a jar with an entry added after signing");
        } catch (BundleException expected) {
            assertEquals(Bundle.INSTALLED, extra.getState());
        }
        String refusals = String.join(" ", security.refusals(extra));
        assertTrue(refusals, refusals.contains("is not covered by the signature"));
    }

    @Test
    public void productionModeRunsOnlyPluginsSignedByATrustedSigner() throws Exception {
        Path work = Fixtures.workFolder("signing");
        Path signed = signAndTrust(work, ContainerOptions.bundleFile("carehost-fixture-greeter-v1").toPath());
        security.setMode(SecurityMode.PRODUCTION);
        Bundle unsigned = install(ContainerOptions.bundleFile("carehost-sample-hello").toPath());
        try {
            unsigned.start();
            fail("an unsigned plugin started in production mode");
        } catch (BundleException expected) {
            String refusals = String.join(" ", security.refusals(unsigned));
            assertTrue(refusals, refusals.contains("it is not signed; production mode runs only plugins signed"));
        }
        Bundle trusted = install(signed);
        trusted.start();
        assertEquals(Bundle.ACTIVE, trusted.getState());

        // Deleting the policy file never lowers the policy: production stays in force, with the error shown.
        Files.delete(Paths.get(context.getProperty("carehost.security.policy")));
        Await.until("the missing policy is noticed", 20_000, () -> security.status().policyError() != null);
        assertEquals(SecurityMode.PRODUCTION, security.status().mode());
        assertTrue(security.status().policyError(), security.status().policyError().contains("is missing"));
        assertTrue(String.join(" ", security.refusals(unsigned)).contains("it is not signed"));

        security.setMode(SecurityMode.DEVELOPMENT);
        Await.until("the unsigned plugin runs in development mode", 20_000, () -> {
            if (unsigned.getState() != Bundle.ACTIVE) {
                try {
                    unsigned.start();
                } catch (BundleException stillRefused) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * A plugin refused while it runs (here: production mode and an unsigned plugin) is stopped by the refresh that
     * follows, and SCR takes its components down then: before, the security manager hid that stop from SCR, whose
     * components stayed on the stopped bundle until its next start, when their teardown failed on services the
     * framework had unregistered (a WARN per plugin, blaming it).
     */
    @Test
    public void aPluginRefusedWhileItRunsHasItsComponentsTakenDown() throws Exception {
        Bundle hello = install(ContainerOptions.bundleFile("carehost-sample-hello").toPath());
        hello.start();
        Await.until("hello's component is active", 20_000, () -> components(hello) > 0);
        // the mode change answers once the plugins follow it: a script's next command sees them so
        String answer = security.setMode(SecurityMode.PRODUCTION);
        assertEquals("the unsigned plugin is refused and stopped when the change answers (" + answer + ")",
                Bundle.INSTALLED, hello.getState());
        assertEquals("SCR took the refused plugin's components down", 0, components(hello));
        assertTrue("the answer names the plugins the mode refuses: " + answer,
                answer.contains("Refused now (plugin:why <name> says why): ") && answer.contains("org.carehost.sample.hello"));

        answer = security.setMode(SecurityMode.DEVELOPMENT);
        assertEquals("the plugin is started again when the change answers (" + answer + ")", Bundle.ACTIVE,
                hello.getState());
        assertFalse("hello is no longer refused: " + answer, answer.contains("org.carehost.sample.hello"));
        Await.until("its component active", 20_000, () -> components(hello) > 0);
    }

    /** How many component configurations SCR has of {@code bundle}, whatever their state. */
    private int components(Bundle bundle) {
        ServiceComponentRuntime scr = context.getService(context.getServiceReference(ServiceComponentRuntime.class));
        int count = 0;
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            count += scr.getComponentConfigurationDTOs(description).size();
        }
        return count;
    }

    // ---- helpers

    private Bundle install(Path jar) throws BundleException {
        return Fixtures.installAsPlugin(context, jar.toFile());
    }

    /** Signs a copy of {@code jar} with a fresh key; the certificate goes into the container's trust store. */
    private Path signAndTrust(Path work, Path jar) throws Exception {
        Path keystore = work.resolve("signer.p12");
        run(tool("keytool"), "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit", "-alias", "plugin", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", signer);
        Path trusted = Paths.get(context.getProperty("carehost.security.truststore"));
        Files.createDirectories(trusted);
        run(tool("keytool"), "-exportcert", "-rfc", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-alias", "plugin", "-file", trusted.resolve("test-signer-" + UUID.randomUUID() + ".pem").toString());
        Path signed = work.resolve("signed.jar");
        run(tool("jarsigner"), "-keystore", keystore.toString(), "-storepass", "changeit", "-signedjar",
                signed.toString(), jar.toString(), "plugin");
        Await.until("the trust store is re-read", 20_000,
                () -> security.status().trustedSigners().contains(signer));
        return signed;
    }

    /** A copy of a signed jar with one class changed (or, if {@code add}, one class added) after signing. */
    private static Path rewrite(Path signed, Path target, boolean add) throws IOException {
        try (ZipFile in = new ZipFile(signed.toFile()); OutputStream file = Files.newOutputStream(target);
                ZipOutputStream out = new ZipOutputStream(file)) {
            boolean changed = false;
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    byte[] bytes = data.readAllBytes();
                    if (!add && !changed && entry.getName().endsWith(".class")) {
                        bytes[bytes.length - 1] ^= 1;
                        changed = true;
                    }
                    out.write(bytes);
                }
                out.closeEntry();
            }
            if (add) {
                out.putNextEntry(new ZipEntry("org/carehost/fixture/greeter/v1/Added.class"));
                out.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
                out.closeEntry();
            }
        }
        return target;
    }

    private static String tool(String name) {
        return Paths.get(System.getProperty("java.home"), "bin", name).toString();
    }

    private static void run(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(String.join(" ", line) + " did not finish", process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(String.join(" ", line) + ": " + output, 0, process.exitValue());
    }
}
