package org.carehost.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * The rule on a real Felix: bundles installed from the launcher's locations are the container's, whatever their start
 * level; a bundle with the same headers from another location is a plugin, even installed or moved below the plugins'
 * start level.
 */
class ContainerBundlesTest {

    private static final String LAUNCHED = "jar/org.carehost.store,jar/org.carehost.audit,test:harness-*";

    @TempDir
    Path storage;

    private Framework framework;
    private BundleContext context;

    @BeforeEach
    void start() throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                "felix.startlevel.bundle", "60", ContainerBundles.LAUNCHER_BUNDLES_PROPERTY, LAUNCHED,
                ContainerBundles.PLUGIN_START_LEVEL_PROPERTY, "50"));
        framework.start();
        context = framework.getBundleContext();
    }

    @AfterEach
    void stop() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void theLaunchersBundlesBelowThePluginsLevelAreTheContainers() throws Exception {
        ContainerBundles rule = new ContainerBundles(context);
        Bundle store = install("jar/org.carehost.store", "org.carehost.store", 20);
        Bundle harness = install("test:harness-probe", "PAXEXAM-PROBE-1", 5);
        assertTrue(rule.isContainer(context.getBundle(0)));
        assertTrue(rule.isContainer(store));
        assertFalse(rule.isPlugin(store));
        assertTrue(rule.isContainer(harness));
        assertEquals(50, rule.pluginStartLevel());
        // Exact locations match whole, wildcards by pattern.
        assertTrue(rule.isLauncherLocation("jar/org.carehost.audit"));
        assertFalse(rule.isLauncherLocation("jar/org.carehost.audit2"));
        assertFalse(rule.isLauncherLocation("xjar/org.carehost.audit"));
        assertTrue(rule.isLauncherLocation("test:harness-"));
        assertFalse(rule.isLauncherLocation("test:harness"));
    }

    @Test
    void copiedHeadersAnotherLocationOrALowStartLevelDoNotMakeAContainerBundle() throws Exception {
        ContainerBundles rule = new ContainerBundles(context);
        // An operator installs a plugin that copies a container bundle's name and headers, at a low start level.
        Bundle fake = install("file:/srv/deploy/fake.jar", "org.carehost.fake", 20);
        assertTrue(rule.isPlugin(fake));
        // The launcher's bundle at the plugins' level for a moment (as when carehost.jar updates it) stays the container's.
        Bundle audit = install("jar/org.carehost.audit", "org.carehost.audit", 60);
        assertTrue(rule.isContainer(audit));
        // A plugin's location moved below the line later is still a plugin.
        Bundle moved = install("file:/srv/deploy/moved.jar", "org.example.moved", 60);
        BundleStartLevel level = moved.adapt(BundleStartLevel.class);
        level.setStartLevel(1); // applied on the framework's start-level thread
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (level.getStartLevel() != 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, level.getStartLevel());
        assertTrue(rule.isPlugin(moved));
        // A location that only starts like a launcher's, and a wildcard that is not a prefix match of another one.
        assertTrue(rule.isPlugin(install("jar/org.carehost.store.evil", "org.carehost.store", 20)));
        assertTrue(rule.isPlugin(install("evil:test:harness-x", "PAXEXAM-PROBE-2", 5)));
    }

    @Test
    void anUninstalledBundleIsNoPluginAndNoContainersButTheLaunchers() throws Exception {
        ContainerBundles rule = new ContainerBundles(context);
        Bundle plugin = install("file:/srv/deploy/gone.jar", "org.example.gone", 60);
        Bundle store = install("jar/org.carehost.store", "org.carehost.store", 20);
        plugin.uninstall();
        store.uninstall();
        assertFalse(rule.isPlugin(plugin));
        assertFalse(rule.isContainer(plugin));
        assertTrue(rule.isContainer(store));
    }

    @Test
    void ownLocationsTakePrecedenceOverTheLaunchersAndABadLevelIsRefused() throws Exception {
        ContainerBundles rule = new ContainerBundles("file:/bundles/*", "40");
        assertTrue(rule.isLauncherLocation("file:/bundles/carehost-store.jar"));
        assertFalse(rule.isLauncherLocation("jar/org.carehost.store"));
        assertFalse(rule.isLauncherLocation(null));
        assertEquals(40, rule.pluginStartLevel());
        assertFalse(new ContainerBundles(null, null).isLauncherLocation("jar/org.carehost.store"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new ContainerBundles("", "fifty"));
        assertTrue(bad.getMessage().contains("carehost.plugin.startlevel"), bad.getMessage());
    }

    /** Installs at {@code startLevel} from the start (a start level set later is applied asynchronously). */
    private Bundle install(String location, String symbolicName, int startLevel) throws Exception {
        framework.adapt(FrameworkStartLevel.class).setInitialBundleStartLevel(startLevel);
        Bundle bundle = context.installBundle(location, new ByteArrayInputStream(jar(symbolicName)));
        assertEquals(startLevel, bundle.adapt(BundleStartLevel.class).getStartLevel());
        return bundle;
    }

    /** A bundle with a container bundle's headers, including a marker a plugin could copy. */
    private static byte[] jar(String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        main.putValue(Constants.BUNDLE_VENDOR, "Carehost");
        main.putValue("Carehost-Container", "true");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return out.toByteArray();
    }
}
