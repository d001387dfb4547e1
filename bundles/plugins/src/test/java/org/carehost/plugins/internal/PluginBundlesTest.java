package org.carehost.plugins.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The deploy folder's duplicate checks, with no bundle installed: same answers per file and per pass. */
class PluginBundlesTest {

    @TempDir
    Path deploy;

    @Test
    void ofTwoNewJarsWithOneNameTheFirstByNameIsThePluginPerFileAndPerPass() throws IOException {
        jar("a.jar", "org.example.one", "");
        jar("b.jar", "org.example.one", "");
        jar("c.jar", "org.example.two", "");
        PluginBundles bundles = new PluginBundles(context());
        Map<String, List<Path>> pass = bundles.notInstalledJarsByName();
        for (String name : List.of("a.jar", "b.jar", "c.jar")) {
            Path file = deploy.resolve(name);
            assertEquals(bundles.earlierTwin(file), bundles.earlierTwin(file, pass), name);
        }
        assertNull(bundles.earlierTwin(deploy.resolve("a.jar")));
        assertEquals(deploy.resolve("a.jar").toAbsolutePath().normalize(), bundles.earlierTwin(deploy.resolve("b.jar")));
        assertNull(bundles.earlierTwin(deploy.resolve("c.jar")));
    }

    @Test
    void aJarRewrittenWithAnotherNameIsReadAgain() throws IOException {
        Path a = jar("a.jar", "org.example.one", "");
        jar("b.jar", "org.example.two", "");
        PluginBundles bundles = new PluginBundles(context());
        assertNull(bundles.earlierTwin(deploy.resolve("b.jar")));
        FileTime before = Files.getLastModifiedTime(a);
        jar("a.jar", "org.example.two", "padding so that the size changes");
        Files.setLastModifiedTime(a, FileTime.fromMillis(before.toMillis() + 2000));
        assertEquals("org.example.two", bundles.symbolicName(a));
        assertEquals(a.toAbsolutePath().normalize(), bundles.earlierTwin(deploy.resolve("b.jar")));
    }

    private Path jar(String name, String symbolicName, String extra) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        manifest.getMainAttributes().putValue("X-Extra", extra);
        Path file = deploy.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return file;
    }

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> PluginBundles.DEPLOY_DIR_PROPERTY.equals(args[0]) ? deploy.toString() : null;
                    case "getBundles" -> new Bundle[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
