package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import javax.inject.Inject;

import com.sun.net.httpserver.HttpServer;

import org.carehost.plugins.Finding;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginState;
import org.carehost.sdk.plugin.PluginEvents;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** Install, start, stop, update and uninstall through the plugin manager, and what it says about bad input. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PluginLifecycleIT {

    @Inject
    BundleContext context;

    @Inject
    PluginManager plugins;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        return new Option[] {ContainerOptions.container(deploy)};
    }

    private static String fixture(String name) {
        return new File(System.getProperty("carehost.bundles"), name + ".jar").getAbsolutePath();
    }

    private String greeting() {
        return Greeters.greeting(context);
    }

    @Test
    public void installStartStopUpdateUninstall() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> listener = listen(events);
        try {
            PluginInfo installed = plugins.install(fixture("carehost-fixture-greeter-v1"));
            assertEquals("org.carehost.fixture.greeter", installed.symbolicName());
            assertEquals(PluginState.ACTIVE, installed.state());
            assertEquals("hello from v1", greeting());
            assertTrue(plugins.list().stream().anyMatch(p -> p.id() == installed.id()));

            assertEquals(PluginState.RESOLVED, plugins.stop("org.carehost.fixture.greeter").state());
            assertEquals(null, greeting());
            assertEquals(PluginState.ACTIVE, plugins.start(String.valueOf(installed.id())).state());
            assertEquals("hello from v1", greeting());

            // another plugin's jar is no update of this one (the framework would have replaced it in place)
            PluginException other = org.junit.Assert.assertThrows(PluginException.class, () -> plugins.update(
                    "org.carehost.fixture.greeter", fixture("carehost-fixture-drain-validator-v1")));
            assertTrue(other.getMessage(), other.getMessage().contains("is plugin org.carehost.fixture.drainvalidator, "
                    + "not org.carehost.fixture.greeter") && other.getMessage().contains("Nothing was changed"));
            assertEquals("hello from v1", greeting());
            assertEquals("org.carehost.fixture.greeter", context.getBundle(installed.id()).getSymbolicName());

            // A new version that cannot come up (found trying it as a plugin developer would: the plugin was left
            // INSTALLED, down, with the framework's "missing requirement" as the message): the running one is put back.
            File dir = Fixtures.workFolder("update-rollback").toFile();
            File unresolvable = Fixtures.withManifestHeader(new File(fixture("carehost-fixture-greeter-v2")),
                    "Import-Package", "java.lang,java.lang.invoke,java.util,java.util.function,org.example.missing", dir);
            PluginException failed = org.junit.Assert.assertThrows(PluginException.class, () -> plugins.update(
                    "org.carehost.fixture.greeter", unresolvable.getPath()));
            assertTrue(failed.getMessage(), failed.getMessage().contains("org.example.missing")
                    && failed.getMessage().contains("The previous version 1.0.0 was put back and is ACTIVE."));
            assertFalse("the diagnosis, not the framework's words: " + failed.getMessage(),
                    failed.getMessage().contains("Unable to resolve"));
            assertEquals("1.0.0", plugins.get("org.carehost.fixture.greeter").version());
            assertEquals("hello from v1", greeting());
            File refused = Fixtures.withManifestHeader(new File(fixture("carehost-fixture-greeter-v2")),
                    "Import-Package", "java.lang,java.lang.invoke,java.util,java.util.function,sun.misc",
                    Files.createDirectories(dir.toPath().resolve("refused")).toFile());
            failed = org.junit.Assert.assertThrows(PluginException.class, () -> plugins.update(
                    "org.carehost.fixture.greeter", refused.getPath()));
            assertTrue(failed.getMessage(), failed.getMessage().contains("The previous version 1.0.0 was put back"));
            assertEquals("hello from v1", greeting());

            PluginInfo updated = plugins.update("org.carehost.fixture.greeter", fixture("carehost-fixture-greeter-v2"));
            assertEquals(installed.id(), updated.id());
            assertEquals("2.0.0", updated.version());
            assertEquals("hello from v2", greeting());

            PluginInfo gone = plugins.uninstall(String.valueOf(installed.id()));
            assertEquals(PluginState.UNINSTALLED, gone.state());
            assertEquals(null, context.getBundle(installed.id()));
            assertEquals(null, greeting());

            Await.until("UNINSTALLED is posted", 5_000, () -> topics(events).contains(PluginEvents.UNINSTALLED));
            List<String> topics = topics(events);
            for (String topic : List.of(PluginEvents.INSTALLED, PluginEvents.RESOLVED, PluginEvents.STARTED,
                    PluginEvents.STOPPED, PluginEvents.UPDATED)) {
                assertTrue(topic + " missing from " + topics, topics.contains(topic));
            }
            Event first = events.get(0);
            assertEquals("org.carehost.fixture.greeter", first.getProperty(PluginEvents.SYMBOLIC_NAME));
            assertEquals("1.0.0", first.getProperty(PluginEvents.VERSION));
        } finally {
            listener.unregister();
        }
    }

    /**
     * A plugin runs in one version: another version of an installed plugin is refused at install, by plugin:install and
     * by the batch install uploads and catalogs use (tryout 14 uploaded 1.1.0 beside the deploy folder's 1.0.0: both
     * ran, and both validators checked every write).
     */
    @Test
    public void anotherVersionOfAnInstalledPluginIsRefusedAtInstall() throws Exception {
        PluginInfo installed = plugins.install(fixture("carehost-fixture-greeter-v1"));
        try {
            PluginException refused = org.junit.Assert.assertThrows(PluginException.class,
                    () -> plugins.install(fixture("carehost-fixture-greeter-v2")));
            assertTrue(refused.getMessage(), refused.getMessage().contains(
                    "plugin org.carehost.fixture.greeter 1.0.0 is installed already (id " + installed.id())
                    && refused.getMessage().contains("plugin:update org.carehost.fixture.greeter <jar> replaces it"));
            refused = org.junit.Assert.assertThrows(PluginException.class, () -> plugins.installAll(List.of(
                    new org.carehost.plugins.PluginArtifact("upload:greeter-v2",
                            new File(fixture("carehost-fixture-greeter-v2")).toPath()))));
            assertTrue(refused.getMessage(), refused.getMessage().contains("is installed already"));
            long greeters = java.util.Arrays.stream(context.getBundles())
                    .filter(bundle -> "org.carehost.fixture.greeter".equals(bundle.getSymbolicName())).count();
            assertEquals("one greeter installed", 1, greeters);
            assertEquals("hello from v1", greeting());
        } finally {
            plugins.uninstall(String.valueOf(installed.id()));
        }
    }

    /**
     * An update goes on when its caller stops waiting (Ctrl-C, a closed session, its bound): it still ends in the new
     * version or the previous one. Red team 14: the caller's interrupted wait decided then, the kept copy was deleted
     * while the framework's update went on, and the failed new version stayed, the plugin down.
     */
    @Test
    public void anUpdateWhoseCallerStopsWaitingStillPutsThePreviousVersionBack() throws Exception {
        String bsn = "org.carehost.fixture.evil.blocks.stop";
        File jar = ContainerOptions.bundleFile("carehost-fixture-evil-blocks-stop");
        Bundle plugin = Fixtures.installAsPlugin(context, jar);
        plugin.start();
        Await.until("the plugin runs", 20_000, () -> Fixtures.hasFunctionProbe(context, "blocks-stop"));
        CountDownLatch stopping = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Fixtures.handProbe(context, "blocks-stop", new Object[] {stopping, release, 0});
        File versioned = Fixtures.withManifestHeader(jar, "Bundle-Version", "2.0.0",
                Fixtures.workFolder("update-abandoned-1").toFile());
        File unresolvable = Fixtures.withManifestHeader(versioned, "Import-Package", "org.example.missing",
                Fixtures.workFolder("update-abandoned-2").toFile());
        long before = plugin.getLastModified();
        AtomicReference<Throwable> answer = new AtomicReference<>();
        CountDownLatch answered = new CountDownLatch(1);
        Thread operator = new Thread(() -> {
            try {
                plugins.update(bsn, unresolvable.getPath());
                answer.set(new AssertionError("the update answered as if it had ended"));
            } catch (Throwable e) {
                answer.set(e);
            } finally {
                answered.countDown();
            }
        }, "operator's plugin:update");
        operator.start();
        try {
            assertTrue("the update's stop of the running version began", stopping.await(20, TimeUnit.SECONDS));
            operator.interrupt(); // the operator's Ctrl-C
            assertTrue("the interrupted command answers", answered.await(20, TimeUnit.SECONDS));
            assertTrue(String.valueOf(answer.get()), answer.get() instanceof PluginException);
        } finally {
            release.countDown();
        }
        Await.until("the new version failed and the previous one is back, running", 30_000,
                () -> plugin.getState() == Bundle.ACTIVE && plugin.getLastModified() > before
                        && "1.0.0".equals(String.valueOf(plugin.getVersion())));
        assertTrue(answer.get().getMessage(),
                answer.get().getMessage().contains("The update goes on, and puts version 1.0.0 back"));
        Await.until("the plugin's service is back", 20_000, () -> Fixtures.hasFunctionProbe(context, "blocks-stop"));
        plugin.uninstall();
    }

    /**
     * A plugin may not take a name the container writes its own audit records under (operator, container, operators):
     * its records would read as the container's. Refused at plugin:install, changing nothing; installed another way
     * (the framework's own install, as Gogo's is), it never resolves, and plugin:why says why.
     */
    @Test
    public void aPluginNamedLikeTheContainersAuditActorsIsRefused() throws Exception {
        File greeter = new File(fixture("carehost-fixture-greeter-v1"));
        File named = Fixtures.withManifestHeader(greeter, "Bundle-SymbolicName", "operator",
                Fixtures.workFolder("carehost-actor").toFile());
        int bundlesBefore = context.getBundles().length;
        try {
            plugins.install(named.getAbsolutePath());
            fail("a plugin named 'operator' was installed");
        } catch (PluginException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("symbolic name 'operator'")
                    && expected.getMessage().contains("audit records"));
        }
        assertEquals("nothing installed", bundlesBefore, context.getBundles().length);

        File other = Fixtures.withManifestHeader(greeter, "Bundle-SymbolicName", "Container",
                Fixtures.workFolder("carehost-actor").toFile());
        Bundle raw = Fixtures.installAsPlugin(context, other);
        try {
            try {
                raw.start();
                fail("a plugin named 'Container' started");
            } catch (org.osgi.framework.BundleException expected) {
                assertTrue(raw.getState() == Bundle.INSTALLED);
            }
            String why = String.join("\n", plugins.why(String.valueOf(raw.getBundleId())));
            assertTrue(why, why.contains("symbolic name 'Container'"));
            assertEquals(null, greeting());
        } finally {
            raw.uninstall();
        }
    }

    /**
     * A plugin may not take a name that passes for the container's: one in the container's namespace
     * ({@code org.carehost.*} outside the samples' and tests' own) or a container bundle's (SCR's, here, under another
     * version, as the framework allows). Refused at plugin:install, changing nothing; installed another way (the
     * framework's own install, as Gogo's and a plugin's installBundle are), it never resolves, and plugin:why says why.
     * Before, both were installed and ran.
     */
    @Test
    public void aPluginNamedLikeTheContainersBundlesIsRefused() throws Exception {
        File greeter = new File(fixture("carehost-fixture-greeter-v1"));
        File inNamespace = Fixtures.withManifestHeader(greeter, "Bundle-SymbolicName", "org.carehost.security.tools",
                Fixtures.workFolder("carehost-container-name").toFile());
        int bundlesBefore = context.getBundles().length;
        try {
            plugins.install(inNamespace.getAbsolutePath());
            fail("a plugin named 'org.carehost.security.tools' was installed");
        } catch (PluginException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("'org.carehost.security.tools'")
                    && expected.getMessage().contains("container's namespace")
                    && expected.getMessage().contains("Bundle-SymbolicName of its vendor's own"));
        }
        assertEquals("nothing installed", bundlesBefore, context.getBundles().length);
        assertEquals(null, greeting());

        File scr = Fixtures.withManifestHeader(greeter, "Bundle-SymbolicName", "org.apache.felix.scr",
                Fixtures.workFolder("carehost-container-name").toFile());
        Bundle raw = Fixtures.installAsPlugin(context, scr);
        try {
            try {
                raw.start();
                fail("a plugin named 'org.apache.felix.scr' started");
            } catch (org.osgi.framework.BundleException expected) {
                assertEquals(Bundle.INSTALLED, raw.getState());
            }
            String why = String.join("\n", plugins.why(String.valueOf(raw.getBundleId())));
            assertTrue(why, why.contains("'org.apache.felix.scr'") && why.contains("container's bundle"));
            assertEquals(null, greeting());
        } finally {
            raw.uninstall();
        }
    }

    @Test
    public void activateThatThrowsIsExplainedAndPostedAsFailed() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> listener = listen(events);
        try {
            try {
                plugins.install(fixture("carehost-fixture-activate-throws"));
                fail("install of a plugin whose component fails must report it");
            } catch (PluginException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("fixture: activate fails on purpose"));
            }
            List<String> why = plugins.why("org.carehost.fixture.throws");
            assertTrue(String.join("\n", why), String.join("\n", why)
                    .contains("failed in activate: java.lang.IllegalStateException: fixture: activate fails on purpose"));
            Await.until("FAILED is posted", 5_000, () -> topics(events).contains(PluginEvents.FAILED));
            Event failed = events.stream().filter(e -> e.getTopic().equals(PluginEvents.FAILED)).findFirst().get();
            assertEquals("org.carehost.fixture.throws", failed.getProperty(PluginEvents.SYMBOLIC_NAME));
            assertTrue(String.valueOf(failed.getProperty(PluginEvents.REASON)).contains("activate fails on purpose"));
        } finally {
            listener.unregister();
        }
    }

    @Test
    public void aPluginWaitingForItsStartLevelIsNotFailedButOneThatCannotResolveIs() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> listener = listen(events);
        int frameworkLevel = context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
        Bundle waiting = context.installBundle(new File(fixture("carehost-fixture-greeter-v1")).toURI().toString());
        Bundle broken = context.installBundle(new File(fixture("carehost-fixture-unresolvable")).toURI().toString());
        try {
            // Marked to start, but its start level is not reached: INSTALLED for now, and that is no failure.
            waiting.adapt(BundleStartLevel.class).setStartLevel(frameworkLevel + 10);
            waiting.start();
            assertEquals(Bundle.INSTALLED, waiting.getState());
            try {
                broken.start();
                fail("an unresolvable bundle does not start");
            } catch (BundleException expected) {
                // the framework tried to resolve it, and could not
            }
            Await.until("FAILED is posted for the plugin that cannot resolve", 10_000,
                    () -> failedFor(events, "org.carehost.fixture.unresolvable") != null);
            assertTrue(String.valueOf(failedFor(events, "org.carehost.fixture.unresolvable").getProperty(PluginEvents.REASON)),
                    String.valueOf(failedFor(events, "org.carehost.fixture.unresolvable").getProperty(PluginEvents.REASON))
                            .contains("org.example.missing"));

            waiting.adapt(BundleStartLevel.class).setStartLevel(frameworkLevel);
            Await.until("the waiting plugin starts once its level is reached", 10_000,
                    () -> waiting.getState() == Bundle.ACTIVE);
            assertEquals("no FAILED for a plugin that was only waiting: " + topics(events), null,
                    failedFor(events, "org.carehost.fixture.greeter"));
        } finally {
            listener.unregister();
            waiting.uninstall();
            broken.uninstall();
        }
    }

    private static Event failedFor(List<Event> events, String symbolicName) {
        return events.stream().filter(e -> e.getTopic().equals(PluginEvents.FAILED))
                .filter(e -> symbolicName.equals(e.getProperty(PluginEvents.SYMBOLIC_NAME))).findFirst().orElse(null);
    }

    @Test
    public void unresolvableImportIsNamed() throws Exception {
        try {
            plugins.install(fixture("carehost-fixture-unresolvable"));
            fail("an unresolvable plugin must not be reported as started");
        } catch (PluginException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("org.example.missing"));
        }
        String why = String.join("\n", plugins.why("org.carehost.fixture.unresolvable"));
        assertTrue(why, why.contains("is INSTALLED"));
        assertTrue(why, why.contains("needs package org.example.missing"));
        List<Finding> diagnosis = plugins.diagnose("org.carehost.fixture.unresolvable");
        assertEquals(diagnosis.toString(), Finding.Kind.STATE, diagnosis.get(0).kind());
        assertTrue(diagnosis.get(0).subject(), diagnosis.get(0).subject().startsWith("org.carehost.fixture.unresolvable (id "));
        Finding unresolved = diagnosis.stream().filter(f -> f.kind() == Finding.Kind.UNRESOLVED).findFirst()
                .orElseThrow(() -> new AssertionError("no UNRESOLVED finding in " + diagnosis));
        assertTrue(unresolved.toString(), unresolved.subject().contains("org.example.missing"));
        assertTrue(diagnosis.toString(), diagnosis.stream().anyMatch(f -> f.kind() == Finding.Kind.NEXT_STEP));
    }

    @Test
    public void badFilesAreRefusedAndChangeNothing() throws Exception {
        Path dir = Fixtures.workFolder("carehost-bad");
        Path empty = Files.createFile(dir.resolve("empty.jar"));
        Path corrupt = Files.write(dir.resolve("corrupt.jar"), "PK\u0003\u0004 this is not a zip".getBytes(StandardCharsets.ISO_8859_1));
        Path text = Files.write(dir.resolve("notes.txt"), "a text file".getBytes(StandardCharsets.UTF_8));
        Path noManifest = dir.resolve("no-manifest.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(noManifest))) {
            jar.putNextEntry(new ZipEntry("hello.txt"));
            jar.write("hi".getBytes(StandardCharsets.UTF_8));
        }
        Path plain = dir.resolve("plain.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plain), manifest)) {
            jar.putNextEntry(new ZipEntry("x/Y.class"));
        }
        int bundlesBefore = context.getBundles().length;
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {empty.toString(), "empty (0 bytes)"});
        cases.add(new String[] {corrupt.toString(), "not a valid jar"});
        cases.add(new String[] {text.toString(), "not a valid jar"});
        cases.add(new String[] {noManifest.toString(), "without a manifest"});
        cases.add(new String[] {plain.toString(), "plain jar, not an OSGi bundle"});
        cases.add(new String[] {dir.resolve("missing.jar").toString(), "does not exist"});
        cases.add(new String[] {"nosuchscheme://x/y.jar", "a file or an http: or https: URL"});
        for (String[] c : cases) {
            try {
                plugins.install(c[0]);
                fail("installed " + c[0]);
            } catch (PluginException expected) {
                assertTrue(c[0] + ": " + expected.getMessage(), expected.getMessage().contains(c[1]));
            }
        }
        assertEquals("bad input must change nothing", bundlesBefore, context.getBundles().length);

        plugins.install(fixture("carehost-fixture-greeter-v1"));
        Path copy = Files.copy(Path.of(fixture("carehost-fixture-greeter-v1")), dir.resolve("greeter-copy.jar"));
        try {
            plugins.install(copy.toString());
            fail("a second copy with the same symbolic name and version must be refused");
        } catch (PluginException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(
                    "plugin org.carehost.fixture.greeter 1.0.0 is installed already"));
        }
        for (String unknown : new String[] {"no.such.plugin", "999999", " "}) {
            try {
                plugins.why(unknown);
                fail("why of " + unknown);
            } catch (PluginException expected) {
                assertFalse(expected.getMessage().isEmpty());
            }
        }
        for (String container : new String[] {"0", "org.apache.felix.scr"}) {
            try {
                plugins.stop(container);
                fail("a container bundle is not a plugin: " + container);
            } catch (PluginException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("part of the container"));
            }
        }
    }

    /**
     * From a URL (found trying it as an operator would): a 404 was "cannot read <url>: <url>", an HTML page was named by
     * its temporary copy's file name, and a plugin the security manager refuses ended in the framework's "missing
     * requirement osgi.wiring.package=java.io". Now each names what happened, by the URL.
     */
    @Test
    public void aPluginFromAUrlIsRefusedInTheOperatorsWords() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] refusedJar = Files.readAllBytes(Path.of(fixture("carehost-fixture-evil-reads-passwd")));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = path.equals("/page.jar") ? "<html>a page</html>".getBytes(StandardCharsets.UTF_8)
                    : path.equals("/refused.jar") ? refusedJar : new byte[0];
            exchange.sendResponseHeaders(path.equals("/missing.jar") ? 404 : 200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        int bundlesBefore = context.getBundles().length;
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            assertRefused(base + "/missing.jar", "the server answered HTTP 404");
            assertRefused(base + "/page.jar", base + "/page.jar is not a valid jar");
            String refused = assertRefused(base + "/refused.jar", "The security manager refuses it");
            assertFalse(refused, refused.contains("missing requirement") || refused.contains("java.io"));
        } finally {
            server.stop(0);
        }
        for (Bundle bundle : context.getBundles()) {
            if ("org.carehost.fixture.evil.reads.passwd".equals(bundle.getSymbolicName())) {
                bundle.uninstall(); // installed but refused: its start said why
            }
        }
        assertEquals(bundlesBefore, context.getBundles().length);
    }

    private String assertRefused(String url, String expected) {
        try {
            plugins.install(url);
            fail("installed and started " + url);
            return null;
        } catch (PluginException refused) {
            assertTrue(refused.getMessage(), refused.getMessage().contains(expected));
            assertFalse(refused.getMessage(), refused.getMessage().contains("carehost-plugin-"));
            return refused.getMessage();
        }
    }

    private ServiceRegistration<EventHandler> listen(List<Event> events) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, PluginEvents.TOPIC_ALL);
        return context.registerService(EventHandler.class, events::add, props);
    }

    private static List<String> topics(List<Event> events) {
        List<String> topics = new ArrayList<>();
        for (Event event : events) {
            topics.add(event.getTopic());
        }
        return topics;
    }
}
