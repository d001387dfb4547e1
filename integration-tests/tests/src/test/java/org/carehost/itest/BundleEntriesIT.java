package org.carehost.itest;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.List;

import javax.inject.Inject;

import org.carehost.security.SecurityAdmin;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * A plugin reads its own bundle's entries, never another plugin's or a container bundle's: not through the Bundle
 * objects the framework hands it ({@code getBundles()}: getEntryPaths, findEntries, getResources, getEntry,
 * getResource), nor through the class loader of a service object it gets, nor through a {@code bundle:} URL it makes
 * up. Each refusal is a PermissionDeniedException in the plugin, audited as DENIED and in the denials. Runs on JDK 17
 * and, as a second failsafe execution, on JDK 25.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleEntriesIT {

    private static final String READER = "org.carehost.fixture.evil.bundles";
    private static final String OWN_ONLY = "a plugin reads the entries of its own bundle only";

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("bundle-entries")};
    }

    @Test
    public void aPluginWithNoGrantsReadsItsOwnEntriesButNoOtherBundles() throws Exception {
        Bundle victim = started(ContainerOptions.bundleFile("carehost-fixture-greeter-v1"), "(fixture=greeter)");
        Bundle reader = reader();
        Bundle container = Fixtures.bundle(context, "org.carehost.security");
        String victimXml = descriptor(victim);
        String ownXml = descriptor(reader);

        // its own entries, by every path
        assertRead(attack("paths:" + reader.getBundleId() + ":/"), "paths");
        assertRead(attack("find:" + reader.getBundleId() + ":" + ownXml), "elements");
        assertRead(attack("resources:" + reader.getBundleId() + ":" + ownXml), "elements");
        assertRead(attack("url:" + reader.getEntry(ownXml)), "elements");
        assertRead(attack("loader:(attack=bundles)|/" + ownXml), "bytes");
        // every bundle's headers stay readable (the framework localises them from the bundle's own files)
        assertRead(attack("headers:all"), "headers");

        for (Bundle other : List.of(victim, container)) {
            String xml = descriptor(other);
            assertDenied(attack("paths:" + other.getBundleId() + ":/"));
            assertDenied(attack("find:" + other.getBundleId() + ":" + xml));
            assertDenied(attack("resources:" + other.getBundleId() + ":" + xml));
            // a URL the reader makes up, read by the JDK: refused where the framework reads the content
            assertDenied(attack("url:" + other.getEntry(xml)));
        }
        // the class loader of a service object: another plugin's, a container bundle's (the clock's)
        assertDenied(attack("loader:(fixture=greeter)|/" + victimXml));
        Bundle clock = Fixtures.bundle(context, "org.carehost.clock");
        assertDenied(attack("loader:(component.name=org.carehost.clock.internal.SystemClock)|/" + descriptor(clock)));

        Await.until("the reader's denials audited and listed", 10_000, () -> security.denials(100).stream()
                .anyMatch(d -> d.plugin().equals(READER) && d.reason().contains(victimXml)));
    }

    @Test
    public void bundleGetEntryAndGetResourceAreRefusedOnOtherBundlesWhateverIsGranted() throws Exception {
        // the evil-runtime plugin (use:reflection and use:files) calls them by reflection, then opens the URL
        RuntimeAttacker.running(context, security);
        started(ContainerOptions.bundleFile("carehost-fixture-greeter-v1"), "(fixture=greeter)");
        String manifest = "META-INF/MANIFEST.MF";
        for (String method : List.of("bundle-entry", "bundle-resource")) {
            assertRead(runtime(method + ":" + RuntimeAttacker.BSN + "|" + manifest), "bytes");
            assertDenied(runtime(method + ":org.carehost.fixture.greeter|" + manifest));
            assertDenied(runtime(method + ":org.carehost.security|" + manifest));
        }
        RuntimeAttacker.awaitDenialAudited(context, "Bundle.getEntry(" + manifest + ") on bundle org.carehost.security");
    }

    // ---- helpers

    private Bundle reader() throws Exception {
        Path policy = Paths.get(context.getProperty("carehost.security.policy"));
        String text = Files.readString(policy);
        if (!text.contains("allow-import javax.xml.*")) {
            Files.writeString(policy, text + "\nallow-import javax.xml.* org.w3c.dom org.xml.sax\n");
        }
        return started(ContainerOptions.bundleFile("carehost-fixture-evil-reads-bundles"), "(attack=bundles)");
    }

    /** The plugin of this jar, installed if it is not and started once it resolves, with its service up. */
    private Bundle started(java.io.File jar, String service) throws Exception {
        Bundle bundle = null;
        for (Bundle installed : context.getBundles()) {
            if (jar.toURI().toString().equals(installed.getLocation())) {
                bundle = installed;
            }
        }
        Bundle plugin = bundle != null ? bundle : Fixtures.installAsPlugin(context, jar);
        Await.until(jar.getName() + " runs", 20_000, () -> {
            try {
                plugin.start();
                return plugin.getState() == Bundle.ACTIVE && Fixtures.hasService(context, service);
            } catch (org.osgi.framework.BundleException notYet) {
                return false;
            }
        });
        return plugin;
    }

    /** A component descriptor of the bundle (a known XML entry), as a path without the leading slash. */
    private static String descriptor(Bundle bundle) {
        Enumeration<java.net.URL> found = bundle.findEntries("OSGI-INF", "*.xml", false);
        assertTrue(bundle.getSymbolicName() + " has a component descriptor", found != null && found.hasMoreElements());
        return found.nextElement().getPath().substring(1);
    }

    private String attack(String attack) throws Exception {
        return Fixtures.applyProbe(context, "bundles", attack);
    }

    private String runtime(String attack) throws Exception {
        return Fixtures.applyProbe(context, "runtime", attack);
    }

    private static void assertRead(String answer, String what) {
        assertTrue("expected a read (" + what + "): " + answer, answer.startsWith("done: ") && answer.contains(what)
                && !answer.contains(" 0 " + what) && !answer.contains(" 1 elements"));
    }

    private static void assertDenied(String answer) {
        RuntimeAttacker.assertDenied(answer, OWN_ONLY);
    }
}
