package org.carehost.sdk.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.osgi.framework.Constants;

/**
 * The bundles on the test's class path the kit's container is made of: the host's (installed as the container's
 * bundles, from these locations) and the shared ones (exported by the system bundle, so that the test and the
 * container share their classes).
 */
final class ClassPathBundles {

    /** Bundles that make up the host, by symbolic name. */
    private static final List<String> HOST_BUNDLES = List.of(
            "org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component",
            "org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.eventadmin",
            "org.apache.felix.log", "org.apache.felix.metatype", "org.osgi.service.jdbc", "com.h2database", "org.postgresql.jdbc",
            "org.objectweb.asm", "org.carehost.security", "com.zaxxer.HikariCP", "org.carehost.store", "org.carehost.audit",
            "org.carehost.clinical", "org.carehost.context", "org.carehost.crypto", "org.carehost.plugins",
            "org.carehost.scheduler", "org.carehost.notifications", "org.carehost.adapters", "org.carehost.clock");

    /** Jars whose packages the system bundle exports, so the test and the container share their classes. */
    private static final Set<String> SHARED_BUNDLES = Set.of("org.carehost.sdk",
            "com.fasterxml.jackson.core.jackson-core", "com.fasterxml.jackson.core.jackson-databind",
            "com.fasterxml.jackson.core.jackson-annotations", "org.osgi.service.event", "org.osgi.service.cm",
            // HikariCP (the store's pool) logs through SLF4J, which finds its provider on the class path here.
            "slf4j.api");

    /** A jar on the class path that is a bundle. */
    private record Jar(Path path, Manifest manifest) {
    }

    private final Map<String, Jar> bundles;

    private ClassPathBundles(Map<String, Jar> bundles) {
        this.bundles = bundles;
    }

    /** The bundles on the test's class path (Surefire's and Failsafe's, else the JVM's). */
    static ClassPathBundles read() throws IOException {
        Map<String, Jar> bundles = new HashMap<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Paths.get(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(path)) {
                continue;
            }
            try (JarFile jar = new JarFile(path.toFile())) {
                Manifest manifest = jar.getManifest();
                String name = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
                if (name != null) {
                    bundles.putIfAbsent(name.split(";")[0].trim(), new Jar(path, manifest));
                }
            }
        }
        return new ClassPathBundles(bundles);
    }

    /** The locations the host's bundles are installed from, in order: the container's, for the security manager's rule. */
    List<String> hostLocations() {
        List<String> locations = new ArrayList<>();
        for (String name : HOST_BUNDLES) {
            locations.add(jar(name).path.toUri().toString());
        }
        return locations;
    }

    /** The Export-Package clauses of the shared jars, reduced to package and version. */
    String sharedPackages() {
        List<String> packages = new ArrayList<>();
        for (String name : SHARED_BUNDLES) {
            String exports = jar(name).manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            for (String clause : ManifestClauses.split(exports)) {
                packages.add(ManifestClauses.packageWithVersion(clause));
            }
        }
        return String.join(",", packages);
    }

    private Jar jar(String name) {
        Jar jar = bundles.get(name);
        if (jar == null) {
            throw new IllegalStateException("Bundle " + name + " is not on the test class path; "
                    + "depend on org.carehost:carehost-testkit in test scope");
        }
        return jar;
    }
}
