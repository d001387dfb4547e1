package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import javax.inject.Inject;

import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginOrigin;
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
import org.osgi.service.cm.Configuration.ConfigurationAttribute;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** The watched deploy folder: drop to install, replace to hot-reload, delete to uninstall, bad files explained. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeployFolderIT {

    private static final long WATCH_TIMEOUT = 10_000;

    @Inject
    BundleContext context;

    @Inject
    PluginManager plugins;

    @Inject
    ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        return new Option[] {ContainerOptions.container(deploy)};
    }

    private static Path deployDir() {
        return Paths.get(System.getProperty("carehost.deploy"));
    }

    private static Path fixture(String name) {
        return Paths.get(System.getProperty("carehost.bundles"), name + ".jar");
    }

    /** Copy beside the folder, then rename in: the way to publish a file that is never seen half-written. */
    private static void drop(Path source, String name) throws IOException {
        Path partial = deployDir().resolveSibling(deployDir().getFileName() + "-" + name + ".partial");
        Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, deployDir().resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String greeting() {
        return Greeters.greeting(context);
    }

    @Test
    public void dropReplaceAndDeleteWithConfigurationKept() throws Exception {
        drop(fixture("carehost-fixture-greeter-v1"), "greeter.jar");
        Await.until("v1 is active", WATCH_TIMEOUT, () -> "hello from v1".equals(greeting()));
        PluginInfo v1 = plugins.get("org.carehost.fixture.greeter");
        assertEquals(PluginOrigin.DEPLOY, v1.origin());
        // one plugin, one file: plugin:update from a jar elsewhere is refused (tryout 14: the plugin ran another
        // version than its deploy file held, across restarts, with no word of it)
        org.carehost.plugins.PluginException refused = org.junit.Assert.assertThrows(
                org.carehost.plugins.PluginException.class, () -> plugins.update("org.carehost.fixture.greeter",
                        fixture("carehost-fixture-greeter-v2").toString()));
        assertTrue(refused.getMessage(), refused.getMessage().contains("comes from the deploy folder")
                && refused.getMessage().contains("replace that file to update it"));
        assertEquals("hello from v1", greeting());

        org.osgi.service.cm.Configuration configuration =
                configAdmin.getConfiguration("org.carehost.fixture.greeter", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("salutation", "good morning");
        configuration.update(properties);
        Await.until("configuration applied", WATCH_TIMEOUT, () -> "good morning from v1".equals(greeting()));

        drop(fixture("carehost-fixture-greeter-v2"), "greeter.jar");
        Await.until("v2 code runs with the kept configuration", WATCH_TIMEOUT,
                () -> "good morning from v2".equals(greeting()));
        PluginInfo v2 = plugins.get("org.carehost.fixture.greeter");
        assertEquals("updated in place, same id", v1.id(), v2.id());
        assertEquals("2.0.0", v2.version());
        assertTrue(configuration.getAttributes().isEmpty() || !configuration.getAttributes().contains(ConfigurationAttribute.READ_ONLY));

        Files.delete(deployDir().resolve("greeter.jar"));
        Await.until("deleting the file uninstalls the plugin", WATCH_TIMEOUT, () -> context.getBundle(v1.id()) == null);
        assertEquals(null, greeting());
    }

    @Test
    public void badFilesAreExplainedAndOthersKeepRunning() throws Exception {
        List<Event> failures = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, PluginEvents.FAILED);
        context.registerService(EventHandler.class, failures::add, props);

        drop(fixture("carehost-fixture-greeter-v1"), "greeter.jar");
        Await.until("greeter is active", WATCH_TIMEOUT, () -> "hello from v1".equals(greeting()));

        Path dir = deployDir();
        Files.createFile(dir.resolve("empty.jar"));
        Files.write(dir.resolve("corrupt.jar"), "PK\u0003\u0004 truncated".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("README.txt"), "not a plugin".getBytes(StandardCharsets.UTF_8));
        drop(fixture("carehost-fixture-unresolvable"), "unresolvable.jar");
        drop(fixture("carehost-fixture-activate-throws"), "throws.jar");
        drop(fixture("carehost-fixture-activator-throws"), "activator.jar");
        drop(fixture("carehost-fixture-greeter-v1"), "greeter-again.jar");

        Await.until("the unresolvable plugin is installed", WATCH_TIMEOUT,
                () -> context.getBundle(dir.resolve("unresolvable.jar").toFile().toURI().toString()) != null);
        Await.until("the throwing plugin is installed", WATCH_TIMEOUT,
                () -> context.getBundle(dir.resolve("throws.jar").toFile().toURI().toString()) != null);

        assertWhy("empty.jar", "empty (0 bytes)");
        assertWhy("corrupt.jar", "not a valid jar");
        assertWhy("README.txt", "Only .jar files");
        assertWhy("org.carehost.fixture.unresolvable", "needs package org.example.missing");
        Await.until("activate failure is visible", WATCH_TIMEOUT, () -> why("org.carehost.fixture.throws").contains("failed in activate"));

        Await.until("FAILED events for the unresolvable plugin, the throwing one and the broken files", WATCH_TIMEOUT,
                () -> reasons(failures).contains("org.example.missing") && reasons(failures).contains("activate fails on purpose")
                        && reasons(failures).contains("empty (0 bytes)") && reasons(failures).contains("not a valid jar")
                        && reasons(failures).contains("its Bundle-Activator org.carehost.fixture.activator.ThrowingActivator"
                                + " threw when it was started"));

        // Each failure is reported once. A file dropped now is reported by the plugin manager's deploy-folder scan,
        // on the thread that makes every check, after the checks already asked for (the plugins' at their start);
        // the FAILED events one thread posts arrive in order.
        Files.createFile(dir.resolve("zz-last.jar"));
        Await.until("a FAILED event for zz-last.jar", WATCH_TIMEOUT, () -> failures.stream()
                .anyMatch(event -> "zz-last.jar".equals(event.getProperty(PluginEvents.SYMBOLIC_NAME))));
        for (String plugin : List.of("org.carehost.fixture.throws", "org.carehost.fixture.activator")) {
            assertEquals("one FAILED event for " + plugin + ": " + reasons(failures), 1, failures.stream()
                    .filter(event -> plugin.equals(event.getProperty(PluginEvents.SYMBOLIC_NAME))).count());
        }

        assertEquals("the good plugin keeps running", "hello from v1", greeting());
        Bundle greeter = context.getBundle(dir.resolve("greeter.jar").toFile().toURI().toString());
        assertNotNull(greeter);
        assertEquals(Bundle.ACTIVE, greeter.getState());
    }

    @Test
    public void deployFilesAreNamedByTheirFileNameAndABadVersionIsExplained() throws Exception {
        List<Event> failures = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, PluginEvents.FAILED);
        context.registerService(EventHandler.class, failures::add, props);

        // The other tests leave greeters in the shared deploy folder: the sample is a plugin of its own.
        String name = "my hello \u00e9t\u00e9.jar"; // a space and non-ASCII letters
        drop(fixture("carehost-sample-hello"), name);
        Await.until("the sample is active", WATCH_TIMEOUT, () -> plugins.list().stream().anyMatch(
                p -> p.symbolicName().equals("org.carehost.sample.hello") && p.state() == PluginState.ACTIVE));
        PluginInfo hello = plugins.get("org.carehost.sample.hello");
        for (String spelling : List.of(name, deployDir().getFileName() + "/" + name, deployDir().resolve(name).toString())) {
            assertWhy(spelling, "org.carehost.sample.hello (id " + hello.id() + ") " + hello.version() + " is ACTIVE.");
        }

        Path badVersion = deployDir().resolveSibling("bad-version.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "org.carehost.fixture.badversion");
        manifest.getMainAttributes().putValue("Bundle-Version", "one.two");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(badVersion), manifest)) {
            jar.putNextEntry(new ZipEntry("readme.txt"));
            jar.write("nothing".getBytes(StandardCharsets.UTF_8));
        }
        drop(badVersion, "bad-version.jar");
        assertWhy("bad-version.jar", "invalid Bundle-Version 'one.two'");
        Await.until("FAILED names the bad header", WATCH_TIMEOUT,
                () -> reasons(failures).contains("invalid Bundle-Version 'one.two'"));
        assertEquals("nothing is installed from it", null,
                context.getBundle(deployDir().resolve("bad-version.jar").toFile().toURI().toString()));

        // A manifest past the bound (1 MiB; the red team's ran over 1.2 GB inflated from a 4 MB jar, and the container
        // ran out of memory reading it at every start): refused by name, never read whole, nothing installed.
        Path bigManifest = deployDir().resolveSibling("big-manifest.jar");
        Manifest big = new Manifest();
        big.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        big.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        big.getMainAttributes().putValue("Bundle-SymbolicName", "org.carehost.fixture.bigmanifest");
        big.getMainAttributes().putValue("X-Pad", "x".repeat(2 << 20));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(bigManifest), big)) {
            jar.putNextEntry(new ZipEntry("readme.txt"));
            jar.write("nothing".getBytes(StandardCharsets.UTF_8));
        }
        drop(bigManifest, "big-manifest.jar");
        assertWhy("big-manifest.jar", "has a manifest (META-INF/MANIFEST.MF) larger than 1024 KiB");
        Await.until("FAILED names the manifest's size", WATCH_TIMEOUT,
                () -> reasons(failures).contains("has a manifest (META-INF/MANIFEST.MF) larger than 1024 KiB"));
        assertEquals("nothing is installed from it", null,
                context.getBundle(deployDir().resolve("big-manifest.jar").toFile().toURI().toString()));
    }

    @Test
    public void aSecondJarWithAPluginsNameIsRefusedAndThePluginUntouched() throws Exception {
        List<Event> failures = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, PluginEvents.FAILED);
        context.registerService(EventHandler.class, failures::add, props);

        drop(fixture("carehost-fixture-greeter-v1"), "greeter.jar");
        Await.until("v1 is active", WATCH_TIMEOUT, () -> "hello from v1".equals(greeting()));
        Bundle greeter = context.getBundle(deployDir().resolve("greeter.jar").toFile().toURI().toString());
        long modified = greeter.getLastModified();

        // The same name and version under another file name (FileInstall would update the running plugin with it),
        // and the same name with another version (FileInstall would install it beside the plugin).
        drop(fixture("carehost-fixture-greeter-v1"), "greeter copy.jar");
        drop(fixture("carehost-fixture-greeter-v2"), "greeter-2.jar");
        for (String file : List.of("greeter copy.jar", "greeter-2.jar")) {
            assertWhy(file, "which is installed from file " + deployDir().resolve("greeter.jar"));
            assertWhy(file, "A plugin comes from one file: replace greeter.jar to update it");
            Await.until("a FAILED event for " + file, WATCH_TIMEOUT, () -> failures.stream().anyMatch(
                    event -> file.equals(event.getProperty(PluginEvents.SYMBOLIC_NAME))
                            && String.valueOf(event.getProperty(PluginEvents.REASON)).contains("comes from one file")));
        }

        assertEquals("the running plugin is untouched", Bundle.ACTIVE, greeter.getState());
        assertEquals("not updated", modified, greeter.getLastModified());
        assertEquals("hello from v1", greeting());
        assertEquals("one plugin of that name", 1, java.util.Arrays.stream(context.getBundles())
                .filter(b -> "org.carehost.fixture.greeter".equals(b.getSymbolicName())).count());
        for (String file : List.of("greeter copy.jar", "greeter-2.jar")) {
            assertEquals(null, context.getBundle(deployDir().resolve(file).toFile().toURI().toString()));
        }

        // Replacing the owner's file is how to update it; the duplicates stay refused.
        drop(fixture("carehost-fixture-greeter-v2"), "greeter.jar");
        Await.until("v2 through the owner's file", WATCH_TIMEOUT, () -> "hello from v2".equals(greeting()));
        Files.delete(deployDir().resolve("greeter copy.jar"));

        // The owner's file removed, the refused jar is the folder's only file of that name: it becomes the plugin,
        // with no change to it (FileInstall looks only at changed files).
        Files.delete(deployDir().resolve("greeter.jar"));
        String second = deployDir().resolve("greeter-2.jar").toFile().toURI().toString();
        Await.until("greeter-2.jar installed and active once greeter.jar is gone", WATCH_TIMEOUT, () -> {
            Bundle installed = context.getBundle(second);
            return installed != null && installed.getState() == Bundle.ACTIVE && "hello from v2".equals(greeting());
        });

        // An upgrade by a new file name, the old file removed at once: whether the watcher sees both in one pass (it
        // asks about the new file while the old plugin is still installed, then uninstalls it) or one after the
        // other, the new file becomes the plugin.
        Path third = deployDir().resolve("greeter-3.jar");
        Path partial = deployDir().resolveSibling("greeter-3.jar.partial");
        Files.copy(fixture("carehost-fixture-greeter-v1"), partial, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(deployDir().resolve("greeter-2.jar"));
        Files.move(partial, third, StandardCopyOption.ATOMIC_MOVE);
        Await.until("greeter-3.jar installed and active once greeter-2.jar is gone", WATCH_TIMEOUT, () -> {
            Bundle installed = context.getBundle(third.toFile().toURI().toString());
            return installed != null && installed.getState() == Bundle.ACTIVE && "hello from v1".equals(greeting());
        });
        Files.delete(third);
        Await.until("greeter-3.jar's plugin uninstalled", WATCH_TIMEOUT,
                () -> context.getBundle(third.toFile().toURI().toString()) == null);
    }

    private String why(String name) {
        try {
            return String.join("\n", plugins.why(name));
        } catch (Exception e) {
            return e.toString();
        }
    }

    private void assertWhy(String name, String expected) throws Exception {
        Await.until("plugin:why " + name + " says '" + expected + "' (now: " + why(name) + ")", WATCH_TIMEOUT,
                () -> why(name).contains(expected));
    }

    private static String reasons(List<Event> events) {
        StringBuilder all = new StringBuilder();
        for (Event event : events) {
            all.append(event.getProperty(PluginEvents.REASON)).append('\n');
        }
        return all.toString();
    }
}
