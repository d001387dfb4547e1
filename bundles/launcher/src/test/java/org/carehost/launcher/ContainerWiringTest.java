package org.carehost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * On a real Felix, the container's bundles named as carehost.jar names them ({@code launch.bundles}, exact locations):
 * with the hook, a container bundle wires to no plugin and no plugin fragment attaches to a container bundle, while
 * plugins still wire to each other; without it (the control) both wires are made.
 */
class ContainerWiringTest {

    @TempDir
    Path storage;

    private Framework framework;

    @AfterEach
    void stop() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    @Test
    void theContainerNeitherWiresToAPluginNorTakesAPluginFragment() throws Exception {
        BundleContext system = start();
        ContainerWiring.register(system);
        Bundles bundles = install(system);

        assertEquals(Bundle.RESOLVED, bundles.host.getState());
        assertEquals(Bundle.INSTALLED, bundles.fragment.getState(), "the plugin fragment is not attached");
        assertTrue(bundles.host.adapt(BundleWiring.class).getProvidedWires("osgi.wiring.host").isEmpty());
        assertEquals(Bundle.RESOLVED, bundles.containerUser.getState(), "its import is optional");
        assertTrue(bundles.containerUser.adapt(BundleWiring.class)
                .getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE).isEmpty(), "not wired to the plugin's package");
        assertEquals(List.of(bundles.lib), providers(bundles.pluginUser), "plugins still wire to plugins");
        assertEquals(Bundle.RESOLVED, bundles.pluginFragment.getState(), "a plugin fragment attaches to a plugin");
    }

    @Test
    void withoutTheHookBothWiresAreMade() throws Exception {
        Bundles bundles = install(start());

        assertEquals(Bundle.RESOLVED, bundles.fragment.getState(), "the control: the fragment attaches");
        assertEquals(List.of(bundles.lib), providers(bundles.containerUser), "the control: the container wires to it");
    }

    private record Bundles(Bundle host, Bundle fragment, Bundle lib, Bundle containerUser, Bundle pluginUser,
            Bundle pluginFragment) {
    }

    private static Bundles install(BundleContext system) throws Exception {
        Bundle host = install(system, "container.host", Map.of());
        Bundle containerUser = install(system, "container.user",
                Map.of(Constants.IMPORT_PACKAGE, "org.example.lib;resolution:=optional"));
        Bundle fragment = install(system, "plugin.fragment", Map.of(Constants.FRAGMENT_HOST, "container.host"));
        Bundle lib = install(system, "plugin.lib", Map.of(Constants.EXPORT_PACKAGE, "org.example.lib"));
        Bundle pluginUser = install(system, "plugin.user", Map.of(Constants.IMPORT_PACKAGE, "org.example.lib"));
        Bundle pluginFragment = install(system, "plugin.lib.part", Map.of(Constants.FRAGMENT_HOST, "plugin.lib"));
        system.getBundle().adapt(FrameworkWiring.class).resolveBundles(null);
        return new Bundles(host, fragment, lib, containerUser, pluginUser, pluginFragment);
    }

    private static List<Bundle> providers(Bundle bundle) {
        assertFalse(bundle.getState() == Bundle.INSTALLED, bundle + " is resolved");
        return bundle.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE).stream()
                .map(wire -> wire.getProvider().getBundle()).toList();
    }

    private BundleContext start() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("launch.bundles", "test:container.host,test:container.user");
        framework = new FrameworkFactory().newFramework(config);
        framework.start();
        return framework.getBundleContext();
    }

    private static Bundle install(BundleContext context, String symbolicName, Map<String, String> headers)
            throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        headers.forEach(manifest.getMainAttributes()::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            new JarOutputStream(bytes, manifest).close();
        } catch (IOException impossible) {
            throw new AssertionError(impossible);
        }
        return context.installBundle("test:" + symbolicName, new ByteArrayInputStream(bytes.toByteArray()));
    }
}
