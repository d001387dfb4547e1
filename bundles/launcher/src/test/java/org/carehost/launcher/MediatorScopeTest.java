package org.carehost.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;

/**
 * On a real Felix: the mediator does not see Felix HTTP's Jetty, nor its events, nor (once the SLF4J binding is
 * installed) SLF4J and Logback; other bundles do.
 */
class MediatorScopeTest {

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
    void theMediatorNeitherFindsJettyNorHearsOfIt() throws Exception {
        BundleContext system = start(Map.of());
        ServiceRegistration<?> hooks = MediatorScope.register(system);
        assertNotNull(hooks);
        Bundle mediator = install(system, MediatorScope.MEDIATOR);
        Bundle other = install(system, "org.example.other");
        mediator.start();
        other.start();
        List<String> heard = new CopyOnWriteArrayList<>();
        // synchronous listeners: told during install and start, so what they heard is known when those return
        mediator.getBundleContext().addBundleListener(
                (org.osgi.framework.SynchronousBundleListener) event -> heard.add(event.getBundle().getSymbolicName()));
        List<String> otherHeard = new CopyOnWriteArrayList<>();
        other.getBundleContext().addBundleListener(
                (org.osgi.framework.SynchronousBundleListener) event -> otherHeard.add(event.getBundle().getSymbolicName()));

        Bundle jetty = install(system, MediatorScope.JETTY);
        jetty.start();

        assertFalse(names(mediator.getBundleContext()).contains(MediatorScope.JETTY));
        assertNull(mediator.getBundleContext().getBundle(jetty.getBundleId()));
        assertFalse(heard.contains(MediatorScope.JETTY), heard.toString());
        assertTrue(names(other.getBundleContext()).contains(MediatorScope.JETTY));
        assertTrue(otherHeard.contains(MediatorScope.JETTY), otherHeard.toString());
        // Every other bundle stays visible to the mediator.
        assertTrue(names(mediator.getBundleContext()).contains("org.example.other"));

        hooks.unregister();
        assertTrue(names(mediator.getBundleContext()).contains(MediatorScope.JETTY));
    }

    @Test
    void withHttp2EnabledJettyIsLeftToTheMediator() throws Exception {
        BundleContext system = start(Map.of(MediatorScope.HTTP2, "true"));
        assertNotNull(MediatorScope.register(system));
        Bundle mediator = install(system, MediatorScope.MEDIATOR);
        install(system, MediatorScope.JETTY);
        mediator.start();
        assertTrue(names(mediator.getBundleContext()).contains(MediatorScope.JETTY));
    }

    @Test
    void slf4jAndLogbackAreHiddenOnlyOnceTheBindingIsInstalled() throws Exception {
        BundleContext system = start(Map.of());
        MediatorScope.register(system);
        Bundle mediator = install(system, MediatorScope.MEDIATOR);
        install(system, "slf4j.api");
        install(system, "ch.qos.logback.classic");
        mediator.start();
        // Without the binding SLF4J needs the mediator to find Logback: both stay visible.
        assertTrue(names(mediator.getBundleContext()).containsAll(MediatorScope.LOGGING));

        install(system, MediatorScope.BINDING);
        List<String> seen = names(mediator.getBundleContext());
        assertFalse(seen.contains("slf4j.api"), seen.toString());
        assertFalse(seen.contains("ch.qos.logback.classic"), seen.toString());
        assertTrue(seen.contains(MediatorScope.BINDING), seen.toString());
        assertTrue(names(system).containsAll(MediatorScope.LOGGING));
    }

    private BundleContext start(Map<String, String> properties) throws Exception {
        Map<String, String> config = new HashMap<>(properties);
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        framework = new FrameworkFactory().newFramework(config);
        framework.start();
        return framework.getBundleContext();
    }

    private static List<String> names(BundleContext context) {
        return Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName).toList();
    }

    private static Bundle install(BundleContext context, String symbolicName) throws Exception {
        return context.installBundle("test:" + symbolicName, new ByteArrayInputStream(jar(symbolicName)));
    }

    private static byte[] jar(String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JarOutputStream(bytes, manifest).close();
        return bytes.toByteArray();
    }
}
