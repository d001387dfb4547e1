package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.carehost.catalog.CatalogException;
import org.carehost.catalog.CatalogService;
import org.carehost.catalog.CatalogStatus;
import org.carehost.catalog.InstallPlan;
import org.carehost.catalog.Outdated;
import org.carehost.catalog.Offer;
import org.carehost.catalog.PluginDetails;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginOrigin;
import org.carehost.plugins.PluginState;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

import com.sun.net.httpserver.HttpServer;

/**
 * The plugin catalog on the real container: a plugin that needs a library bundle is installed with it from a file:
 * index and from a loopback HTTP index, both as plugins; a refused dependency rolls the whole install back; a failed
 * update rolls back to the version that ran; and the bad inputs: a catalog that is down or serves garbage, a jar
 * whose hash differs from its index, a dependency cycle, an unresolvable dependency, and two catalogs offering one
 * version with different content.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CatalogIT {

    static final String PLUGIN = "org.carehost.fixture.catalogplugin";
    static final String LIBRARY = "org.example.cataloglib";
    static final String GREETER = "org.carehost.fixture.greeter";

    @Inject
    BundleContext context;

    @Inject
    CatalogService catalog;

    @Inject
    PluginManager plugins;

    @Inject
    CommandProcessor shell;

    @Inject
    org.carehost.sdk.patient.PatientService patients;

    @Inject
    org.carehost.audit.AuditLog audit;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("catalog"), catalogBundles(),
                frameworkProperty("carehost.catalog.artifacts").value(Fixtures.workFolder("catalog-artifacts").toString())};
    }

    /** The catalog and bndlib (whose org.slf4j import Pax Exam's logging bundle serves here, SLF4J in carehost.jar). */
    static Option catalogBundles() {
        return composite(
                containerBundle("org.osgi.service.repository", 10),
                containerBundle("biz.aQute.bnd.util", 11),
                containerBundle("biz.aQute.bndlib", 11),
                containerBundle("carehost-catalog", 23));
    }

    private static Option containerBundle(String name, int startLevel) {
        return ContainerOptions.containerBundle(name, startLevel);
    }

    private static File fixture(String name) {
        return ContainerOptions.bundleFile(name);
    }

    /** A folder with these jars and its index, written by the catalog's own indexer. */
    private Path publish(String prefix, File... jars) throws Exception {
        Path folder = Fixtures.workFolder(prefix);
        for (File jar : jars) {
            Files.copy(jar.toPath(), folder.resolve(jar.getName()), StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(jars.length, catalog.index(folder, folder.resolve("index.xml")));
        return folder;
    }

    /** One container for the class: each test leaves no catalog and no plugin behind. */
    @After
    public void removeCatalogsAndPlugins() throws Exception {
        for (CatalogStatus status : catalog.catalogs()) {
            catalog.remove(status.name());
        }
        for (PluginInfo plugin : plugins.list()) {
            plugins.uninstall(String.valueOf(plugin.id()));
        }
    }

    private boolean installed(String symbolicName) {
        return Fixtures.installed(context, symbolicName).isPresent();
    }

    @Test
    public void installsPluginWithLibraryFromFileIndexAndRollsBackFailedUpdate() throws Exception {
        Path folder = publish("catalog-file", fixture("carehost-fixture-catalog-lib"), fixture("carehost-fixture-catalog-plugin"));
        CatalogStatus status = catalog.add("local", folder.resolve("index.xml").toUri().toString(), List.of("*"));
        assertNull(status.problem(), status.problem());
        assertEquals(2, status.resources());

        List<Offer> found = catalog.search("catalog", null, "read:appointments");
        assertEquals(List.of(PLUGIN), found.stream().map(Offer::symbolicName).toList());
        assertEquals("plugin", found.get(0).kind());
        assertEquals(List.of(LIBRARY), catalog.search("", "library", null).stream().map(Offer::symbolicName).toList());

        // A script (piped input) without --yes is refused at once, naming the way out, and installs nothing.
        try (CommandSession session = shell.createSession(new ByteArrayInputStream(new byte[0]), sink(), sink())) {
            session.put(".carehost.script.exit", new Object());
            session.execute("catalog:install " + PLUGIN);
            fail("a script must not install without --yes");
        } catch (Exception expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("--yes"));
        }
        assertFalse(installed(PLUGIN));

        InstallPlan plan = catalog.plan(PLUGIN);
        assertEquals(List.of(LIBRARY, PLUGIN), plan.steps().stream().map(s -> s.offer().symbolicName()).toList());
        assertTrue(plan.steps().get(1).requested());
        assertEquals(List.of("read:appointments"), plan.steps().get(1).offer().permissions());

        String out = Shell.run(shell, "catalog:install --yes " + PLUGIN);
        assertTrue(out, out.contains("dependency") && out.contains("Installed and started"));
        for (String name : List.of(LIBRARY, PLUGIN)) {
            PluginInfo info = plugins.get(name);
            assertEquals(name, PluginState.ACTIVE, info.state());
            assertEquals(name, PluginOrigin.CATALOG, info.origin());
        }
        assertEquals("hello v1 from the catalog library", Fixtures.callProbe(context, "catalog-plugin"));

        // Version 2.0.0 throws in activate: the update fails and 1.0.0 serves again, from the jar it ran.
        Files.copy(fixture("carehost-fixture-catalog-plugin-broken").toPath(), folder.resolve("broken.jar"));
        catalog.index(folder, folder.resolve("index.xml"));
        assertEquals("2.0.0", catalog.outdated().get(0).available());
        try {
            catalog.update(PLUGIN, false);
            fail("an update whose activate throws must fail");
        } catch (CatalogException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("Rolled back"));
        }
        PluginInfo after = plugins.get(PLUGIN);
        assertEquals("1.0.0", after.version());
        assertEquals(PluginState.ACTIVE, after.state());
        assertEquals("hello v1 from the catalog library", Fixtures.callProbe(context, "catalog-plugin"));
        assertEquals("the jar of the failed update is not kept, the one 1.0.0 runs from is", List.of(PLUGIN + "-1.0.0"),
                keptJars(PLUGIN));

        // plugin:update without a jar: a catalog location is not a file to read again; says what to do instead.
        try {
            Shell.run(shell, "plugin:update " + PLUGIN);
            fail("plugin:update of a catalog plugin without a jar must be refused");
        } catch (Exception expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("catalog:update " + PLUGIN)
                    && expected.getMessage().contains("Nothing was changed"));
        }
        assertEquals("1.0.0", plugins.get(PLUGIN).version());
        assertEquals(PluginState.ACTIVE, plugins.get(PLUGIN).state());

        // Trust: a catalog offers only what the signers it trusts signed (these fixtures are unsigned).
        Path picky = publish("catalog-picky", fixture("carehost-fixture-greeter-v1"));
        CatalogStatus pickyStatus = catalog.add("picky", picky.resolve("index.xml").toUri().toString(),
                List.of("CN=Acme Labs,O=Acme"));
        assertEquals(1, pickyStatus.resources());
        assertTrue(catalog.search("greeter", null, null).isEmpty());

        // Reviews: per tenant, shown in info and search.
        catalog.review(PLUGIN, 4, "greets reliably");
        assertTrue("the review is audited", audit.query(org.carehost.sdk.audit.AuditQuery.latest(50)).items().stream()
                .anyMatch(r -> "catalog.review".equals(r.operation()) && (PLUGIN + "@1.0.0").equals(r.resourceId())));
        // ratings are per version: search shows the newest (2.0.0, unrated); info shows each
        assertEquals("2.0.0", catalog.search(PLUGIN, null, null).get(0).version());
        assertEquals(0, catalog.search(PLUGIN, null, null).get(0).reviews());
        PluginDetails details = catalog.info(PLUGIN);
        assertEquals("1.0.0", details.installedVersion());
        assertEquals(1, details.reviews().size());
        assertEquals(4, details.reviews().get(0).rating());
        Offer rated = details.versions().stream().filter(v -> v.version().equals("1.0.0")).findFirst().orElseThrow();
        assertEquals(4.0, rated.rating(), 0.001);
        assertEquals(1, rated.reviews());
        try {
            catalog.review(PLUGIN, 9, "too good");
            fail("a rating above 5 must be refused");
        } catch (CatalogException expected) {
            assertTrue(expected.getMessage().contains("1 to 5"));
        }
    }

    @Test
    public void catalogUpdateUnderLoadHoldsValidatorCallsAsPluginUpdateDoes() throws Exception {
        Path folder = publish("catalog-drain", fixture("carehost-fixture-drain-validator-v1"),
                fixture("carehost-fixture-drain-validator-v2"));
        catalog.add("drain", folder.resolve("index.xml").toUri().toString(), List.of("*"));
        catalog.install(catalog.plan(ValidatorLoad.VALIDATOR + "@1.0.0"));
        long id = plugins.get(ValidatorLoad.VALIDATOR).id();
        Await.until("the validator is registered", 20_000, () -> Fixtures.hasService(context,
                "(&(objectClass=org.carehost.sdk.plugin.Validator)(service.bundleid=" + id + "))"));
        // While creates gated by the required validator run without pause, catalog:update moves it to 2.0.0 and back:
        // it goes through the plugin manager's update, whose drain holds the validator calls across the switch, so no
        // create is refused or let through unchecked (an uninstall and install would lose some).
        ValidatorLoad load = new ValidatorLoad(patients, 4);
        try {
            load.awaitCheckedBy("v1", "before the update");
            String up = load.updating(() -> catalog.update(ValidatorLoad.VALIDATOR, false));
            assertTrue(up, up.contains("from 1.0.0 to 2.0.0"));
            load.awaitCheckedBy("v2", "after catalog:update");
            String down = load.updating(() -> catalog.update(ValidatorLoad.VALIDATOR + "@1.0.0", true));
            assertTrue(down, down.contains("from 2.0.0 to 1.0.0"));
            load.awaitCheckedBy("v1", "after the downgrade");
        } finally {
            load.close();
        }
        load.assertNothingLost();
        assertEquals("the same bundle was updated in place, not replaced", id, plugins.get(ValidatorLoad.VALIDATOR).id());
    }

    @Test
    public void trustOffersOnlyWhatTheTrustedSignerSigned() throws Exception {
        Path work = Fixtures.workFolder("catalog-signers");
        String signerA = "CN=Catalog Signer A,O=Carehost Tests";
        String signerB = "CN=Catalog Signer B,O=Carehost Tests";
        Path folder = Files.createDirectories(work.resolve("catalog"));
        Signing.sign(work.resolve("a.p12"), signerA, fixture("carehost-fixture-greeter-v1").toPath(),
                folder.resolve("greeter-a.jar"));
        Signing.sign(work.resolve("b.p12"), signerB, fixture("carehost-fixture-greeter-v2").toPath(),
                folder.resolve("greeter-b.jar"));
        assertEquals(2, catalog.index(folder, folder.resolve("index.xml")));
        String index = Files.readString(folder.resolve("index.xml"));
        assertTrue("the index carries each jar's signer: " + index, index.contains("name=\"signer\" value=\"" + signerA + "\"")
                && index.contains("name=\"signer\" value=\"" + signerB + "\""));

        catalog.add("signed-by-a", folder.resolve("index.xml").toUri().toString(), List.of(signerA));
        List<Offer> fromA = catalog.search("greeter", null, null);
        assertEquals(1, fromA.size());
        assertEquals("1.0.0", fromA.get(0).version());
        assertEquals(signerA, fromA.get(0).signer());
        assertEquals(List.of("1.0.0"), catalog.info(GREETER).versions().stream().map(Offer::version).toList());
        // installed from it: the download's signature is checked against the index's signer
        catalog.install(catalog.plan(GREETER));
        assertEquals("hello from v1", Greeters.greeting(context));
        plugins.uninstall(GREETER);
        catalog.remove("signed-by-a");

        // The same index trusted for B (spacing and case of the name aside) offers B's jar only.
        catalog.add("signed-by-b", folder.resolve("index.xml").toUri().toString(),
                List.of("cn=Catalog Signer B, o=Carehost Tests"));
        List<Offer> fromB = catalog.search("greeter", null, null);
        assertEquals(List.of("2.0.0"), fromB.stream().map(Offer::version).toList());
        assertEquals(signerB, fromB.get(0).signer());
    }

    @Test
    public void downgradeNeedsAFlagAndDeployFolderPluginsBelongToTheirFile() throws Exception {
        Path folder = publish("catalog-greeter", fixture("carehost-fixture-greeter-v1"), fixture("carehost-fixture-greeter-v2"));
        catalog.add("greeters", folder.resolve("index.xml").toUri().toString(), List.of("*"));
        catalog.install(catalog.plan("org.carehost.fixture.greeter@2.0.0"));
        assertEquals("hello from v2", Greeters.greeting(context));
        try {
            catalog.update("org.carehost.fixture.greeter@1.0.0", false);
            fail("a downgrade without the flag must be refused");
        } catch (CatalogException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("--allow-downgrade"));
        }
        assertEquals("hello from v2", Greeters.greeting(context));
        String done = catalog.update("org.carehost.fixture.greeter@1.0.0", true);
        assertTrue(done, done.contains("from 2.0.0 to 1.0.0"));
        assertEquals("hello from v1", Greeters.greeting(context));
        assertEquals(List.of(GREETER + "-1.0.0", GREETER + "-2.0.0"), keptJars(GREETER));

        // A third version: the jars of the running (3.0.0) and the previous (1.0.0) version stay, 2.0.0's goes.
        Fixtures.withManifestHeader(fixture("carehost-fixture-greeter-v1"), "Bundle-Version", "3.0.0",
                Files.createDirectories(folder.resolve("v3")).toFile());
        Files.move(folder.resolve("v3").resolve("carehost-fixture-greeter-v1.jar"), folder.resolve("greeter-3.jar"));
        catalog.index(folder, folder.resolve("index.xml"));
        assertTrue(catalog.update(GREETER, false).contains("from 1.0.0 to 3.0.0"));
        assertEquals(List.of(GREETER + "-1.0.0", GREETER + "-3.0.0"), keptJars(GREETER));
        plugins.uninstall(GREETER);
        Await.until("uninstalling a catalog plugin deletes its kept jars", 20_000, () -> keptJars(GREETER).isEmpty());

        // From the deploy folder: owned by its file.
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Files.copy(fixture("carehost-fixture-greeter-v1").toPath(), deploy.resolve("greeter.jar"));
        Await.until("the deploy folder installs the greeter", 10_000, () -> installed("org.carehost.fixture.greeter"));
        try {
            catalog.update("org.carehost.fixture.greeter", false);
            fail("a deploy-folder plugin must not be updated from a catalog");
        } catch (CatalogException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("replace the file"));
        }
        // Listed as outdated, with the way to update it; --all skips it and says so, and fails for nothing else.
        Outdated listed = catalog.outdated().stream().filter(o -> o.symbolicName().equals(GREETER)).findFirst()
                .orElseThrow();
        assertFalse(listed.updatable());
        assertTrue(listed.deployFile(), listed.deployFile().endsWith("/greeter.jar"));
        String table = Shell.run(shell, "catalog:outdated");
        assertTrue(table, table.contains("a new greeter.jar in the deploy folder"));
        String all = Shell.run(shell, "catalog:update --all");
        assertTrue(all, all.contains("Skipped " + GREETER + " 1.0.0: it comes from the deploy folder"));
        assertEquals("1.0.0", plugins.get(GREETER).version());
    }

    @Test
    public void httpCatalogRefusedDependencyAndBadInputs() throws Exception {
        Path good = publish("catalog-http", fixture("carehost-fixture-catalog-lib"), fixture("carehost-fixture-catalog-plugin"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            if (path.equals("/garbage/index.xml")) {
                body = "this is not a repository index".getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/moved/") || path.startsWith("/via/") && path.endsWith(".jar")) {
                // moved: answered with a redirect to where it is now (a jar under /via/ in two hops)
                String now = path.startsWith("/moved/") ? "/" + path.substring("/moved/".length())
                        : "/moved/" + path.substring("/via/".length());
                exchange.getResponseHeaders().add("Location", now);
                exchange.sendResponseHeaders(path.startsWith("/moved/") ? 301 : 302, -1);
                exchange.close();
                return;
            } else {
                Path file = good.resolve(path.substring(path.startsWith("/via/") ? "/via/".length() : 1)).normalize();
                if (!file.startsWith(good) || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                body = Files.readAllBytes(file);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            // Down and garbage: each says why, the others keep working.
            int closed;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = socket.getLocalPort();
            }
            CatalogStatus down = catalog.add("down", "http://127.0.0.1:" + closed + "/index.xml", List.of("*"));
            assertNotNull(down.problem());
            assertTrue(down.problem(), down.problem().contains("Cannot read"));
            CatalogStatus garbage = catalog.add("garbage", base + "/garbage/index.xml", List.of("*"));
            assertTrue(garbage.problem(), garbage.problem().contains("not a valid repository index"));
            CatalogStatus moved = catalog.add("moved", base + "/moved/index.xml", List.of("*"));
            assertNull("a redirect is followed: " + moved.problem(), moved.problem());
            assertEquals(2, moved.resources());
            catalog.remove("moved");
            // its jars (relative to /via/index.xml) are reached through two redirects each
            CatalogStatus web = catalog.add("web", base + "/via/index.xml", List.of("*"));
            assertNull(web.problem());
            assertEquals(2, web.resources());
            assertEquals(1, catalog.search(PLUGIN, null, null).size());

            // A dependency the security manager refuses (an unknown permission): nothing is left installed.
            Path refusing = Fixtures.workFolder("catalog-refusing");
            File lib11 = Fixtures.withManifestHeader(fixture("carehost-fixture-catalog-lib"), "Bundle-Version", "1.1.0",
                    refusing.toFile());
            Fixtures.withManifestHeader(lib11, "Carehost-Permissions", "frobnicate:everything",
                    Files.createDirectories(refusing.resolve("out")).toFile());
            Files.delete(lib11.toPath());
            Path refusingIndex = refusing.resolve("out").resolve("index.xml");
            catalog.index(refusing.resolve("out"), refusingIndex);
            catalog.add("refusing", refusingIndex.toUri().toString(), List.of("*"));
            InstallPlan risky = catalog.plan(PLUGIN);
            assertEquals("1.1.0", risky.steps().get(0).offer().version());
            try {
                catalog.install(risky);
                fail("a refused dependency must fail the install");
            } catch (CatalogException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("frobnicate"));
            }
            assertFalse(installed(PLUGIN));
            assertFalse(installed(LIBRARY));
            catalog.remove("refusing");

            // From the loopback HTTP catalog (its jars reached through redirects): the plugin with its library.
            catalog.install(catalog.plan(PLUGIN));
            assertEquals(PluginState.ACTIVE, plugins.get(LIBRARY).state());
            assertEquals("hello v1 from the catalog library", Fixtures.callProbe(context, "catalog-plugin"));
            plugins.uninstall(PLUGIN);
            plugins.uninstall(LIBRARY);

            // A jar whose content differs from what its index says.
            Path tampered = publish("catalog-tampered", fixture("carehost-fixture-activate-throws"));
            Files.copy(fixture("carehost-fixture-greeter-v1").toPath(), tampered.resolve("carehost-fixture-activate-throws.jar"),
                    StandardCopyOption.REPLACE_EXISTING);
            catalog.remove("web");
            catalog.add("tampered", tampered.resolve("index.xml").toUri().toString(), List.of("*"));
            try {
                catalog.install(catalog.plan("org.carehost.fixture.throws"));
                fail("a jar with another hash must be refused");
            } catch (CatalogException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("SHA-256"));
            }
            assertFalse(installed("org.carehost.fixture.throws"));
            catalog.remove("tampered");

            // Two catalogs offering one version with different content: refused as a conflict, reported.
            Path other = Fixtures.workFolder("catalog-other");
            Fixtures.withManifestHeader(fixture("carehost-fixture-catalog-lib"), "X-Rebuilt", "elsewhere", other.toFile());
            catalog.index(other, other.resolve("index.xml"));
            catalog.add("one", good.resolve("index.xml").toUri().toString(), List.of("*"));
            catalog.add("two", other.resolve("index.xml").toUri().toString(), List.of("*"));
            try {
                catalog.plan(LIBRARY);
                fail("a conflict must be refused");
            } catch (CatalogException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("different content"));
            }
            assertFalse(catalog.info(LIBRARY).conflicts().isEmpty());
            catalog.remove("two");

            // An unresolvable dependency: the plan names the requirement, nothing is installed.
            Path unresolvable = publish("catalog-unresolvable", fixture("carehost-fixture-unresolvable"));
            catalog.add("unresolvable", unresolvable.resolve("index.xml").toUri().toString(), List.of("*"));
            try {
                catalog.plan("org.carehost.fixture.unresolvable");
                fail("an unresolvable plugin must not be planned");
            } catch (CatalogException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("org.example.missing"));
            }
            assertFalse(installed("org.carehost.fixture.unresolvable"));

            // A dependency cycle: two libraries that import each other and a plugin using one: installed together.
            Path cycle = Fixtures.workFolder("catalog-cycle");
            writeBundle(cycle.resolve("a.jar"), "org.example.cyclea", "org.example.cyclea", "org.example.cycleb");
            writeBundle(cycle.resolve("b.jar"), "org.example.cycleb", "org.example.cycleb", "org.example.cyclea");
            writeBundle(cycle.resolve("user.jar"), "org.example.cycleuser", null, "org.example.cyclea");
            catalog.index(cycle, cycle.resolve("index.xml"));
            catalog.add("cycle", cycle.resolve("index.xml").toUri().toString(), List.of("*"));
            InstallPlan cyclic = catalog.plan("org.example.cycleuser");
            assertEquals(Set.of("org.example.cyclea", "org.example.cycleb", "org.example.cycleuser"),
                    cyclic.steps().stream().map(s -> s.offer().symbolicName()).collect(Collectors.toSet()));
            assertEquals("org.example.cycleuser", cyclic.steps().get(2).offer().symbolicName());
            catalog.install(cyclic);
            for (String name : List.of("org.example.cyclea", "org.example.cycleb", "org.example.cycleuser")) {
                assertEquals(name, PluginState.ACTIVE, plugins.get(name).state());
            }
            assertEquals(5, catalog.catalogs().size());
        } finally {
            server.stop(0);
        }
    }

    /** A bundle of a manifest only, exporting and importing one package each (either may be null). */
    private static void writeBundle(Path jar, String symbolicName, String exported, String imported) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        if (exported != null) {
            main.putValue("Export-Package", exported + ";version=1.0.0");
        }
        if (imported != null) {
            main.putValue("Import-Package", imported);
        }
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            // the manifest is the whole bundle
        }
    }

    /** The jars kept in the artifact folder for {@code symbolicName}, as {@code name-version}, sorted. */
    private List<String> keptJars(String symbolicName) {
        Path folder = Path.of(context.getProperty("carehost.catalog.artifacts"));
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith(symbolicName + "-") && n.endsWith(".jar"))
                    .map(n -> n.substring(0, n.length() - ".jar".length() - 17)).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static PrintStream sink() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

}
