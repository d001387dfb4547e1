package org.carehost.plugins.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Which jars are fragments of a container bundle, the container's bundles named as carehost.jar names them (the
 * locations in {@code launch.bundles}): by the host's symbolic name, {@code system.bundle} or the framework's name.
 */
class ContainerHostFilesTest {

    @TempDir
    Path deploy;

    @Test
    void aFragmentOfAContainerBundleOrOfTheFrameworkIsOneAndOfAPluginIsNot() throws IOException {
        BundleContext context = context();
        PluginBundles bundles = new PluginBundles(context);
        assertEquals("ch.qos.logback.classic", ContainerHostFiles.containerHost(context, bundles,
                jar("a.jar", "ch.qos.logback.classic;bundle-version=\"[1,2)\"")));
        assertEquals("org.apache.felix.framework", ContainerHostFiles.containerHost(context, bundles,
                jar("b.jar", "system.bundle;extension:=framework")));
        assertEquals("org.apache.felix.framework", ContainerHostFiles.containerHost(context, bundles,
                jar("c.jar", "org.apache.felix.framework")));
        assertNull(ContainerHostFiles.containerHost(context, bundles, jar("d.jar", "org.example.plugin")));
        assertNull(ContainerHostFiles.containerHost(context, bundles, jar("e.jar", "org.example.absent")));
        assertNull(ContainerHostFiles.containerHost(context, bundles, jar("f.jar", null)), "no fragment");
        assertTrue(ContainerHostFiles.reason("ch.qos.logback.classic").startsWith("It is a fragment of the container "
                + "bundle ch.qos.logback.classic: plugins may not attach to the container."));
    }

    private Path jar(String name, String host) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "com.example.hijack");
        if (host != null) {
            manifest.getMainAttributes().putValue("Fragment-Host", host);
        }
        Path file = deploy.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return file;
    }

    private BundleContext context() {
        Bundle system = bundle(0, "org.apache.felix.framework", "System Bundle");
        Bundle[] all = {system, bundle(5, "ch.qos.logback.classic", "ch.qos.logback.classic"),
            bundle(70, "org.example.plugin", "file:/somewhere/plugin.jar")};
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> PluginBundles.DEPLOY_DIR_PROPERTY.equals(args[0]) ? deploy.toString()
                            : "launch.bundles".equals(args[0]) ? "ch.qos.logback.classic,org.carehost.store" : null;
                    case "getBundles" -> all;
                    case "getBundle" -> system;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Bundle bundle(long id, String symbolicName, String location) {
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> symbolicName;
                    case "getLocation" -> location;
                    case "getState" -> Bundle.ACTIVE;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
