package org.carehost.itest;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Collection;
import java.util.Enumeration;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Fixture plugins in the tests: installing one as a plugin (start level 60, as the deploy folder does), calling
 * the probe service an attack fixture registers, and variants of fixture jars made in the test.
 */
final class Fixtures {

    private Fixtures() {
    }

    /**
     * A new folder under the build's {@code target/work} (so that {@code mvn clean} removes what the tests leave),
     * or under the system's temporary folder where that property is not set.
     */
    static java.nio.file.Path workFolder(String prefix) throws IOException {
        String work = System.getProperty("carehost.work");
        if (work == null || work.isBlank()) {
            return Files.createTempDirectory(prefix);
        }
        return Files.createTempDirectory(Files.createDirectories(java.nio.file.Paths.get(work)), prefix);
    }

    /** Installs a jar as a plugin, without starting it. */
    static Bundle installAsPlugin(BundleContext context, File jar) throws BundleException {
        Bundle bundle = context.installBundle(jar.toURI().toString());
        bundle.adapt(BundleStartLevel.class).setStartLevel(60);
        return bundle;
    }

    /** Whether the fixture's probe for {@code attack} is registered. */
    static boolean hasProbe(BundleContext context, String attack) {
        return hasProbe(context, Callable.class, attack);
    }

    /** Whether a service matching {@code filter} is registered (as the trusted test probe sees it). */
    static boolean hasService(BundleContext context, String filter) {
        try {
            return context.getServiceReferences((String) null, filter) != null; // any class: null is none
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The installed bundle with this symbolic name (a container bundle, typically). */
    static Bundle bundle(BundleContext context, String symbolicName) {
        return installed(context, symbolicName)
                .orElseThrow(() -> new AssertionError(symbolicName + " is not installed in the test container"));
    }

    /** The installed bundle with this symbolic name, if any. */
    static java.util.Optional<Bundle> installed(BundleContext context, String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return java.util.Optional.of(bundle);
            }
        }
        return java.util.Optional.empty();
    }

    /** Runs the fixture's probe for {@code attack} (a {@code Callable<String>} service) and returns what it says. */
    @SuppressWarnings("rawtypes")
    static String callProbe(BundleContext context, String attack) throws Exception {
        return withProbe(context, Callable.class, attack, probe -> String.valueOf(probe.call()));
    }

    /** Runs one attack of a fixture's {@code Function<String, String>} probe (property attack=name). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static String applyProbe(BundleContext context, String name, String attack) throws Exception {
        return withProbe(context, java.util.function.Function.class, name, probe -> String.valueOf(probe.apply(attack)));
    }

    /** Hands an object (not an attack's text) to the Function probe registered with attack=name: its answer. */
    @SuppressWarnings("unchecked")
    static String handProbe(BundleContext context, String name, Object handed) throws Exception {
        return withProbe(context, java.util.function.Function.class, name, probe -> String.valueOf(probe.apply(handed)));
    }

    static boolean hasFunctionProbe(BundleContext context, String name) {
        return hasProbe(context, java.util.function.Function.class, name);
    }

    private interface Use<S> {
        String on(S probe) throws Exception;
    }

    /** Calls the one probe service of this type registered with attack=name, then releases it. */
    private static <S> String withProbe(BundleContext context, Class<S> type, String name, Use<S> use) throws Exception {
        Collection<ServiceReference<S>> references = context.getServiceReferences(type, "(attack=" + name + ")");
        if (references.size() != 1) {
            throw new AssertionError("expected one probe for " + name + ", found " + references.size());
        }
        ServiceReference<S> reference = references.iterator().next();
        S probe = context.getService(reference);
        if (probe == null) { // the plugin went (stopped, quarantined) between the look-up and the get
            Bundle owner = reference.getBundle();
            throw new AssertionError("the probe for " + name + " went before it could be called: its plugin is "
                    + (owner == null ? "gone" : owner.getSymbolicName() + " in state " + owner.getState()));
        }
        try {
            return use.on(probe);
        } finally {
            context.ungetService(reference);
        }
    }

    private static boolean hasProbe(BundleContext context, Class<?> type, String name) {
        try {
            return !context.getServiceReferences(type, "(attack=" + name + ")").isEmpty();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A copy of {@code jar} in {@code dir} with one main manifest header set to {@code value}. */
    static File withManifestHeader(File jar, String header, String value, File dir) throws IOException {
        File copy = new File(dir, jar.getName());
        try (JarFile in = new JarFile(jar)) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name(header), value);
            try (OutputStream file = Files.newOutputStream(copy.toPath()); JarOutputStream out = new JarOutputStream(file, manifest)) {
                Enumeration<JarEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return copy;
    }
}
