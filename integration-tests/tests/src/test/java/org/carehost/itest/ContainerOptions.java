package org.carehost.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.io.File;
import java.util.List;

import org.ops4j.pax.exam.Option;

/**
 * The container's real bundles in Felix, as carehost.jar runs them: container bundles below start
 * level 50, plugins at 60, the deploy folder watched by FileInstall with the same settings.
 */
final class ContainerOptions {

    /**
     * Every bundle any test installs as the container's (below start level 50, as carehost.jar runs them): the security
     * manager and the plugin manager count a bundle as the container's only if it comes from one of these locations, as
     * carehost.jar's launcher lists its run bundles. Everything else (fixtures, samples, even one installed below 50)
     * is a plugin.
     */
    static final List<String> CONTAINER_BUNDLES = List.of("org.osgi.util.function", "org.osgi.util.promise",
            "org.osgi.service.component", "org.apache.felix.log", "org.apache.felix.configadmin",
            "org.apache.felix.eventadmin", "org.apache.felix.scr", "org.apache.felix.gogo.runtime",
            "org.apache.felix.fileinstall", "jackson-annotations", "jackson-core", "jackson-databind", "carehost-sdk",
            "asm", "carehost-security", "carehost-plugins", "carehost-shell", "org.osgi.service.jdbc", "h2",
            "postgresql", "HikariCP", "carehost-store", "carehost-audit", "carehost-context", "carehost-operators",
            "carehost-crypto", "carehost-clinical", "carehost-scheduler", "carehost-notifications", "carehost-adapters",
            "org.apache.felix.metatype", "carehost-config", "asm-tree", "asm-commons", "asm-analysis", "asm-util",
            "carehost-wasm", "org.apache.felix.gogo.command", "org.osgi.service.repository", "biz.aQute.bnd.util",
            "biz.aQute.bndlib", "carehost-catalog", "carehost-clock");

    /** Pax Exam's own bundles: its probe (the test classes, installed as "local") and JUnit's bundles. */
    static final String HARNESS_LOCATIONS = "local,link:classpath:META-INF/links/*";

    private ContainerOptions() {
    }

    static File bundleFile(String name) {
        File file = new File(System.getProperty("carehost.bundles"), name + ".jar");
        if (!file.isFile()) {
            throw new IllegalStateException("Missing test bundle " + file + " (run the tests through Maven)");
        }
        return file;
    }

    /** One of the {@link #CONTAINER_BUNDLES} at a start level below the plugins'. */
    static Option containerBundle(String name, int startLevel) {
        if (!CONTAINER_BUNDLES.contains(name) || startLevel >= 50) {
            throw new IllegalArgumentException(name + " at " + startLevel + " is no container bundle: list it in "
                    + "CONTAINER_BUNDLES and give it a start level below 50");
        }
        return bundle(bundleFile(name).toURI().toString()).startLevel(startLevel);
    }

    /** The value of carehost.container.locations: the container bundles' locations and Pax Exam's. */
    static String containerLocations() {
        StringBuilder locations = new StringBuilder(HARNESS_LOCATIONS);
        for (String name : CONTAINER_BUNDLES) {
            locations.append(',').append(bundleFile(name).toURI());
        }
        return locations.toString();
    }

    /** The host services on a private in-memory H2 database named after the test, with a fresh deploy folder. */
    static Option hostServicesInMemory(String name) throws java.io.IOException {
        return hostServices(Fixtures.workFolder("carehost-itest-deploy").toFile(),
                "jdbc:h2:mem:" + name + "-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    /** The container plus the host services on a private H2 database (or the given JDBC URL). */
    static Option hostServices(File deployDir, String jdbcUrl) {
        return composite(
                container(deployDir),
                frameworkProperty("carehost.store.url").value(jdbcUrl),
                frameworkProperty("carehost.audit.keyfile").value(new File(deployDir, "../" + deployDir.getName() + "-etc/audit-signing.key").getPath()),
                frameworkProperty("carehost.audit.journal").value(new File(deployDir, "../" + deployDir.getName() + "-journal").getPath()),
                frameworkProperty("carehost.keys").value(new File(deployDir, "../" + deployDir.getName() + "-etc/security/keys").getPath()),
                frameworkProperty("carehost.audit.checkpoints").value(new File(deployDir, "../" + deployDir.getName() + "-checkpoints").getPath()),
                containerBundle("org.osgi.service.jdbc", 10),
                containerBundle("h2", 10),
                containerBundle("postgresql", 10),
                containerBundle("HikariCP", 10),
                // HikariCP (the store's pool) logs through SLF4J; the test JVM has it (Pax Exam logs through it too).
                systemPackages("org.slf4j;version=1.7.36"),
                containerBundle("carehost-store", 21),
                containerBundle("carehost-audit", 22),
                containerBundle("carehost-context", 21),
                containerBundle("carehost-operators", 22),
                containerBundle("carehost-crypto", 21),
                containerBundle("carehost-clinical", 22),
                containerBundle("carehost-scheduler", 23),
                containerBundle("carehost-notifications", 23),
                containerBundle("carehost-adapters", 24),
                containerBundle("org.apache.felix.metatype", 11),
                containerBundle("carehost-config", 22));
    }

    /** The WebAssembly extender (Chicory and the Extism SDK inside it) and the ASM bundles its compiler uses. */
    static Option wasm() {
        return composite(
                containerBundle("asm-tree", 10),
                containerBundle("asm-commons", 10),
                containerBundle("asm-analysis", 10),
                containerBundle("asm-util", 10),
                containerBundle("carehost-wasm", 23));
    }

    /** Gogo's {@code felix:} commands ({@code lb}, {@code install}, ...), as carehost.jar has them for the operator. */
    static Option gogoCommands() {
        return containerBundle("org.apache.felix.gogo.command", 13);
    }

    static Option container(File deployDir) {
        return composite(
                cleanCaches(true),
                systemTimeout(120_000),
                junitBundles(),
                frameworkStartLevel(100),
                frameworkProperty("felix.startlevel.bundle").value("60"),
                frameworkProperty("carehost.plugin.startlevel").value("50"),
                frameworkProperty("felix.fileinstall.dir").value(deployDir.getAbsolutePath()),
                frameworkProperty("felix.fileinstall.filter").value(".*\\.jar"),
                frameworkProperty("felix.fileinstall.poll").value("50"),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                // as runtime.bndrun: not a new folder in java.io.tmpdir at each start, which a killed run leaves there
                frameworkProperty("felix.fileinstall.tmpdir").value(deployDir.getAbsolutePath() + "-fileinstall"),
                frameworkProperty("felix.fileinstall.start.level").value("60"),
                frameworkProperty("felix.fileinstall.log.level").value("1"),
                // as runtime.bndrun: events reach plugins' handlers as bounded calls, which Event Admin's timeout must
                // not deny-list
                frameworkProperty("org.apache.felix.eventadmin.IgnoreTimeout")
                        .value("org.carehost.security.internal.PluginEventHandler"),
                // The container's bundles and Pax Exam's own (its probe with the test classes, JUnit) are not plugins.
                frameworkProperty("carehost.container.locations").value(containerLocations()),
                frameworkProperty("carehost.security.policy").value(new File(deployDir, "../" + deployDir.getName() + "-etc/security/policy").getPath()),
                frameworkProperty("carehost.plugins.data").value(new File(deployDir, "../" + deployDir.getName() + "-plugins").getPath()),
                frameworkProperty("carehost.security.truststore").value(new File(deployDir, "../" + deployDir.getName() + "-etc/security/trusted").getPath()),
                systemProperty("carehost.bundles").value(System.getProperty("carehost.bundles")),
                systemProperty("carehost.deploy").value(deployDir.getAbsolutePath()),
                containerBundle("org.osgi.util.function", 10),
                containerBundle("org.osgi.util.promise", 10),
                containerBundle("org.osgi.service.component", 10),
                containerBundle("org.apache.felix.log", 11),
                containerBundle("org.apache.felix.configadmin", 11),
                containerBundle("org.apache.felix.eventadmin", 11),
                containerBundle("org.apache.felix.scr", 12),
                containerBundle("org.apache.felix.gogo.runtime", 12),
                containerBundle("org.apache.felix.fileinstall", 13),
                containerBundle("jackson-annotations", 10),
                containerBundle("jackson-core", 10),
                containerBundle("jackson-databind", 10),
                containerBundle("carehost-sdk", 20),
                containerBundle("carehost-clock", 12),
                containerBundle("asm", 10),
                containerBundle("carehost-security", 20),
                containerBundle("carehost-plugins", 20),
                containerBundle("carehost-shell", 20));
    }
}
