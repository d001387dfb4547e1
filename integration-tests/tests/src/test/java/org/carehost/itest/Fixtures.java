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
        try {
            return !context.getServiceReferences(Callable.class, "(attack=" + attack + ")").isEmpty();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
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
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError(symbolicName + " is not installed in the test container");
    }

    /** Runs the fixture's probe for {@code attack} (a {@code Callable<String>} service) and returns what it says. */
    @SuppressWarnings("rawtypes")
    static String callProbe(BundleContext context, String attack) throws Exception {
        Collection<ServiceReference<Callable>> references = context.getServiceReferences(Callable.class,
                "(attack=" + attack + ")");
        if (references.size() != 1) {
            throw new AssertionError("expected one probe for " + attack + ", found " + references.size());
        }
        ServiceReference<Callable> reference = references.iterator().next();
        try {
            return String.valueOf(context.getService(reference).call());
        } finally {
            context.ungetService(reference);
        }
    }

    /** Runs one attack of a fixture's {@code Function<String, String>} probe (property attack=name). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static String applyProbe(BundleContext context, String name, String attack) throws Exception {
        Collection<ServiceReference<java.util.function.Function>> references = context.getServiceReferences(
                java.util.function.Function.class, "(attack=" + name + ")");
        if (references.size() != 1) {
            throw new AssertionError("expected one probe for " + name + ", found " + references.size());
        }
        ServiceReference<java.util.function.Function> reference = references.iterator().next();
        try {
            return String.valueOf(context.getService(reference).apply(attack));
        } finally {
            context.ungetService(reference);
        }
    }

    static boolean hasFunctionProbe(BundleContext context, String name) {
        try {
            return !context.getServiceReferences(java.util.function.Function.class, "(attack=" + name + ")").isEmpty();
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
