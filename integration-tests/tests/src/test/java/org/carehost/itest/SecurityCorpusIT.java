package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.carehost.audit.AuditLog;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.event.PatientEvents;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientService;
import org.carehost.security.Permission;
import org.carehost.security.SecurityAdmin;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The malicious-plugin corpus ({@code integration-tests/fixtures/evil-*}) against the real container bundles:
 * each attack is refused or contained, the refusal says why and is audited, and the container and the other
 * plugins carry on. Signing cases are in {@link SignedPluginIT}. Runs on JDK 17 and, as a second failsafe
 * execution, on JDK 25, where the JDK SecurityManager no longer exists.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SecurityCorpusIT {

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Inject
    PluginManager plugins;

    @Inject
    PatientService patients;

    @Inject
    AuditLog audit;

    @Inject
    CommandProcessor shell;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("security"), ContainerOptions.gogoCommands()};
    }

    @Test
    public void runsOnTheJdkTheBuildAskedFor() {
        assertEquals(Integer.getInteger("carehost.expected.jdk", 17).intValue(), Runtime.version().feature());
    }

    // ---- refused before they resolve

    @Test
    public void pluginsReachingPastTheirGrantsNeverResolveAndSayWhy() throws Exception {
        String[][] corpus = {
            {"evil-reflects", "java.lang.reflect.Field.setAccessible", "use:reflection"},
            {"evil-reflects-by-name", "java.lang.Class.forName", "use:reflection"},
            {"evil-reads-passwd", "java.nio.file.Files.readAllLines", "use:files"},
            {"evil-spawns", "java.lang.ProcessBuilder", "use:processes"},
            {"evil-exits", "java.lang.System.exit", "which no plugin may use"},
            {"evil-native", "java.lang.System.loadLibrary", "use:native"},
            {"evil-classloader", "java.lang.ClassLoader", "use:reflection"},
            {"evil-stops-container", "org.osgi.framework.Bundle.stop", "which no plugin may use"},
            {"evil-imports-store", "imports org.carehost.store", "plugins may not import"},
            // a URL handler through a private copy of org.osgi.service.url's interface: the framework takes it by name
            // and asks it before the JDK's handler, for https too
            {"evil-url-handler", "org.osgi.service.url.URLStreamHandlerService", "which no plugin may use"},
        };
        for (String[] attack : corpus) {
            Bundle plugin = install(attack[0]);
            try {
                plugin.start();
                fail(attack[0] + " started");
            } catch (BundleException expected) {
                // refused: it cannot resolve
            }
            assertEquals(attack[0], Bundle.INSTALLED, plugin.getState());
            String why = String.join("\n", plugins.why(String.valueOf(plugin.getBundleId())));
            assertTrue(attack[0] + ": " + why, why.contains("The security manager refuses it"));
            assertTrue(attack[0] + ": " + why, why.contains(attack[1]));
            assertTrue(attack[0] + ": " + why, why.contains(attack[2]));
            awaitDenialAudited(plugin, "security.resolve", attack[1]);
        }
        assertNull("the string-reflection attack never ran", System.getProperty("carehost.evil"));
        assertHostServicesStillWork();
    }

    @Test
    public void aFragmentCannotAttachToAContainerBundle() throws Exception {
        Bundle fragment = install("evil-fragment");
        assertFalse(context.getBundle(0).adapt(FrameworkWiring.class).resolveBundles(List.of(fragment)));
        assertEquals(Bundle.INSTALLED, fragment.getState());
        assertTrue(String.join(" ", security.refusals(fragment)),
                String.join(" ", security.refusals(fragment)).contains("fragment of the container bundle org.carehost.clinical"));
        assertHostServicesStillWork();
    }

    @Test
    public void aJarBehindAStubOnTheBundleClassPathIsScannedAsTheFrameworkLoadsIt() throws Exception {
        // evil-reads-passwd's classes in a jar behind a shell stub (the JDK's ZipFile, with which the framework opens
        // a Bundle-ClassPath entry, finds an archive from its end), on the class path of an otherwise harmless plugin
        java.io.ByteArrayOutputStream hidden = new java.io.ByteArrayOutputStream();
        hidden.write("#!/bin/sh\nexit 0\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        try (java.util.jar.JarFile evil = new java.util.jar.JarFile(ContainerOptions.bundleFile(
                "carehost-fixture-evil-reads-passwd")); java.util.zip.ZipOutputStream out =
                        new java.util.zip.ZipOutputStream(hidden)) {
            for (java.util.jar.JarEntry entry : java.util.Collections.list(evil.entries())) {
                if (entry.getName().endsWith(".class")) {
                    out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                    evil.getInputStream(entry).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        File jar = new File(Fixtures.workFolder("stubbed").toFile(), "stubbed.jar");
        try (java.util.jar.JarFile greeter = new java.util.jar.JarFile(ContainerOptions.bundleFile(
                "carehost-fixture-greeter-v1"))) {
            java.util.jar.Manifest manifest = new java.util.jar.Manifest(greeter.getManifest());
            manifest.getMainAttributes().putValue("Bundle-SymbolicName", "org.carehost.fixture.stubbed");
            manifest.getMainAttributes().putValue("Bundle-ClassPath", ".,lib/tool.bin");
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(
                    Files.newOutputStream(jar.toPath()), manifest)) {
                for (java.util.jar.JarEntry entry : java.util.Collections.list(greeter.entries())) {
                    if (!entry.getName().equals(java.util.jar.JarFile.MANIFEST_NAME)) {
                        out.putNextEntry(new java.util.jar.JarEntry(entry.getName()));
                        greeter.getInputStream(entry).transferTo(out);
                        out.closeEntry();
                    }
                }
                out.putNextEntry(new java.util.jar.JarEntry("lib/tool.bin"));
                out.write(hidden.toByteArray());
                out.closeEntry();
            }
        }
        Bundle plugin = Fixtures.installAsPlugin(context, jar);
        try {
            assertFalse(context.getBundle(0).adapt(FrameworkWiring.class).resolveBundles(List.of(plugin)));
            assertEquals(Bundle.INSTALLED, plugin.getState());
            String why = String.join("\n", plugins.why(String.valueOf(plugin.getBundleId())));
            assertTrue(why, why.contains("The security manager refuses it") && why.contains("lib/tool.bin"));
            // refused for what is inside the stubbed archive, found as the framework would load it: not only for
            // the stub making it unreadable to a stream reader
            assertTrue(why, why.contains("java.nio.file.Files") && why.contains("PasswdReader")
                    && why.contains("use:files"));
        } finally {
            plugin.uninstall();
        }
        assertHostServicesStillWork();
    }

    /**
     * Red team 15: a plugin's service naming a listener address ({@code carehost.listener}, {@code osgi.http.endpoint})
     * was shown as a place where operators log in (phishing), and one whose value's toString never returned hung the
     * console's greeting. Only the container's own services are read, and only their String values.
     */
    @Test
    public void aPluginsServiceNamesNoListenerAddress() throws Exception {
        // a plugin with no code, whose context registers the service (its registration is the plugin's)
        java.io.File jar = Fixtures.workFolder("listener-liar").resolve("liar.jar").toFile();
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "rt.liar");
        manifest.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(
                java.nio.file.Files.newOutputStream(jar.toPath()), manifest)) {
            out.flush();
        }
        Bundle liar = Fixtures.installAsPlugin(context, jar);
        try {
            liar.start();
            java.util.Hashtable<String, Object> properties = new java.util.Hashtable<>();
            properties.put(org.carehost.shell.Listeners.PROPERTY, "ssh://203.0.113.66:8101");
            properties.put(org.carehost.shell.Listeners.HTTP_ENDPOINT,
                    new String[] {"https://carehost-login.example.net/"});
            liar.getBundleContext().registerService(Runnable.class, () -> { }, properties);
            String listed = String.join(" ", org.carehost.shell.Listeners.addresses(context));
            assertFalse(listed, listed.contains("203.0.113.66") || listed.contains("carehost-login.example.net"));

            // Red team 16: a command scope whose toString never returns, read by the security manager's service hooks
            // on the thread of whoever looked the service up (the console's greeting, carehost:listeners) or removed it
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Object hold = new Object() {
                @Override
                public String toString() {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "held";
                }
            };
            java.util.Hashtable<String, Object> holding = new java.util.Hashtable<>();
            holding.put(org.carehost.shell.Listeners.PROPERTY, "ssh://203.0.113.67:8101");
            holding.put("osgi.command.scope", hold);
            try {
                liar.getBundleContext().registerService(Runnable.class, () -> { }, holding);
                java.util.concurrent.CompletableFuture<java.util.List<String>> lookup = java.util.concurrent
                        .CompletableFuture.supplyAsync(() -> org.carehost.shell.Listeners.addresses(context));
                String again = String.join(" ", lookup.get(20, java.util.concurrent.TimeUnit.SECONDS));
                assertFalse(again, again.contains("203.0.113.67"));
            } finally {
                release.countDown();
            }
        } finally {
            liar.uninstall();
        }
    }

    /**
     * A refused plugin that requires nothing resolves (the resolver hook refuses through requirements), and with no
     * activator it started: listed ACTIVE while refused (red team 14). It is stopped again at once, and a start by the
     * operator says why.
     */
    @Test
    public void aRefusedPluginThatRequiresNothingIsKeptStopped() throws Exception {
        java.util.List<org.osgi.service.event.Event> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.Hashtable<String, Object> topics = new java.util.Hashtable<>();
        topics.put(org.osgi.service.event.EventConstants.EVENT_TOPIC, org.carehost.sdk.plugin.PluginEvents.FAILED);
        org.osgi.framework.ServiceRegistration<org.osgi.service.event.EventHandler> listener = context.registerService(
                org.osgi.service.event.EventHandler.class, failed::add, topics);
        Bundle plugin = install("evil-jdk-component");
        try {
            plugin.start(); // it has no requirements and no activator: the framework starts it
            Await.until("the refused plugin stopped again", 10_000, () -> plugin.getState() == Bundle.RESOLVED);
            // and reported FAILED with the refusal, as a refused plugin that stays INSTALLED is
            // 30 s: once in about 25 CI runs 10 s passed without it (unexplained; the plugin was stopped in time; it
            // takes under 0.1 s otherwise, even under load). A timeout says what was posted and where the threads that
            // check plugins and deliver events stood.
            try {
                Await.until("FAILED posted with the refusal", 30_000, () -> failed.stream().anyMatch(event ->
                        String.valueOf(event.getProperty(org.carehost.sdk.plugin.PluginEvents.REASON))
                                .contains("the security manager refuses it")));
            } catch (AssertionError timedOut) {
                StringBuilder said = new StringBuilder(timedOut.getMessage()).append("; posted: ");
                failed.forEach(event -> said.append(event.getProperty(org.carehost.sdk.plugin.PluginEvents.BUNDLE_ID))
                        .append(' ').append(event.getProperty(org.carehost.sdk.plugin.PluginEvents.REASON)).append("; "));
                said.append("state ").append(plugin.getState()).append("; why: ")
                        .append(plugins.why(String.valueOf(plugin.getBundleId())));
                Thread.getAllStackTraces().forEach((thread, stack) -> {
                    if (thread.getName().contains("carehost-plugin-health") || thread.getName().contains("EventAdmin")) {
                        said.append("\n").append(thread.getName()).append(' ').append(thread.getState());
                        for (int i = 0; i < Math.min(12, stack.length); i++) {
                            said.append("\n    at ").append(stack[i]);
                        }
                    }
                });
                throw new AssertionError(said.toString()); // no cause: Pax Exam reports the innermost one
            }
            String why = String.join("\n", plugins.why(String.valueOf(plugin.getBundleId())));
            assertTrue(why, why.contains("is RESOLVED") && why.contains("The security manager refuses it")
                    && !why.contains("nothing is wrong"));
            PluginException refused = org.junit.Assert.assertThrows(PluginException.class,
                    () -> plugins.start(String.valueOf(plugin.getBundleId())));
            assertTrue(refused.getMessage(), refused.getMessage().contains("started, but the security manager refuses it")
                    && refused.getMessage().contains("java.util.Timer"));
            Await.until("stopped again after the operator's start", 10_000, () -> plugin.getState() == Bundle.RESOLVED);
        } finally {
            listener.unregister();
            plugin.uninstall();
        }
    }

    @Test
    public void aComponentDescriptionNamingAJdkClassBuildsNothing() throws Exception {
        Bundle plugin = install("evil-jdk-component");
        try {
            plugin.start(); // it has no requirements and no code: it may resolve and start
        } catch (BundleException refused) {
            // or not
        }
        String refusals = String.join(" ", security.refusals(plugin));
        assertTrue(refusals, refusals.contains("names the implementation java.util.Timer, which is not a class of the plugin"));
        // A plugin started after it, whose component SCR builds: SCR handles bundles' events in order, so once the
        // later one's component is there, SCR has been through the refused one's start (had it seen it).
        Bundle control = install("greeter-v1");
        try {
            control.start();
            Await.until("SCR built the later plugin's component", 10_000,
                    () -> hasService("(fixture=greeter)"));
            assertFalse("no component of it was built", hasService("(component.name=evil.timer)"));
            assertTrue(plugins.get(String.valueOf(plugin.getBundleId())).components().isEmpty());
        } finally {
            control.uninstall();
        }
    }

    /**
     * Red team 11: a description its host's early check never sees (its fragment's, matched by the host's wildcard)
     * with an external entity naming a file: SCR's parser fetched it on the container's thread, a read no check
     * charged to the plugin (the data key, the SSH host key, and URLs too, were read that way). The JDK's parsers are
     * now closed to external entities for the whole JVM: SCR lists the plain description beside it, and not this one.
     */
    @Test
    public void aFragmentsComponentDescriptionGetsNoExternalEntityFetched() throws Exception {
        Bundle host = install("evil-component-host");
        Bundle fragment = install("evil-component-fragment");
        org.osgi.framework.ServiceReference<org.osgi.service.component.runtime.ServiceComponentRuntime> reference =
                context.getServiceReference(org.osgi.service.component.runtime.ServiceComponentRuntime.class);
        org.osgi.service.component.runtime.ServiceComponentRuntime scr = context.getService(reference);
        try {
            host.start();
            Await.until("SCR read the fragment's plain description", 10_000, () -> scr.getComponentDescriptionDTO(host,
                    "evil.plain") != null);
            org.osgi.service.component.runtime.dto.ComponentDescriptionDTO entity =
                    scr.getComponentDescriptionDTO(host, "evil.entity");
            assertTrue("the entity was fetched: " + (entity == null ? "" : java.util.Arrays.toString((String[]) entity
                    .properties.get("secret"))), entity == null);
        } finally {
            context.ungetService(reference);
            host.uninstall();
            fragment.uninstall();
        }
    }

    /**
     * A description its host's early check never sees (its fragment's, matched by the host's wildcard) naming a JDK class
     * with a service as its constructor's argument: SCR would build {@code new FileOutputStream(path)} on its own thread,
     * no frame of the plugin's on the stack, and create the file. Refused where SCR loads the class through the plugin.
     */
    @Test
    public void aFragmentsComponentDescriptionNamingAJdkClassIsRefusedWhereScrLoadsIt() throws Exception {
        java.nio.file.Path target = java.nio.file.Path.of("carehost-evil-component-wrote").toAbsolutePath();
        Files.deleteIfExists(target);
        Bundle host = install("evil-component-host");
        Bundle fragment = install("evil-component-fragment");
        try {
            host.start();
            assertEquals("its fragment is attached: " + security.refusals(fragment) + " / " + security.refusals(host),
                    Bundle.RESOLVED, fragment.getState());
            Await.until("the run-time layer refused SCR's load of java.io.FileOutputStream for it", 10_000,
                    () -> security.denials(200).stream().anyMatch(d -> d.plugin().equals(
                            "org.carehost.fixture.evil.component.host") && d.reason().contains("java.io.FileOutputStream")
                            && d.reason().contains("not a class of the plugin")));
            assertFalse("SCR made no file for it", Files.exists(target));
            assertFalse("no component of it was built", hasService("(component.name=evil.writer)"));
        } finally {
            host.uninstall();
            fragment.uninstall();
            Files.deleteIfExists(target);
        }
    }

    /**
     * Red team, round 2: (1) a plugin's service property holding a PrintWriter and its component's reference target
     * naming a path for it: SCR's look-up, the container's, had the framework's filter build new PrintWriter(path),
     * which created (or emptied: the data key, etc/security/policy) the file, with no denial; (2) a shell command whose
     * function is java.io.File's delete (a java.io.File registered as a command; here, as a review found next, a class of
     * the plugin's own inheriting it), which the operator's command ran as the container.
     */
    @Test
    public void aFilterNeverBuildsAFileAndTheShellRunsNoJdkMethodForAPlugin() throws Exception {
        String name = "org.carehost.fixture.evil.filter.coercion";
        java.nio.file.Path target = java.nio.file.Path.of("carehost-evil-filter-wrote").toAbsolutePath();
        java.nio.file.Path commandTarget = java.nio.file.Path.of("carehost-evil-command-target").toAbsolutePath();
        Files.deleteIfExists(target);
        Files.writeString(commandTarget, "the operator's file");
        security.grant(name, List.of(Permission.USE_FILES)); // its File subclass needs it at the scan
        Bundle plugin = install("evil-filter-coercion");
        try {
            plugin.start();
            // its component registers the command once SCR has looked its reference up: the signal that it is over
            Await.until("the plugin's command is registered", 10_000, () -> hasService("(osgi.command.scope=evilsub)"));
            assertFalse("the look-up made no file", Files.exists(target));
            try {
                Shell.run(shell, "evilsub:delete");
                fail("the shell ran File.delete for the plugin");
            } catch (Exception refused) {
                assertTrue(refused.getMessage(), refused.getMessage().contains("the shell calling a JDK method of a "
                        + "plugin's command by reflection"));
            }
            assertTrue("the file is still there", Files.exists(commandTarget));
            // no plugin frame made the call, so it is audited under no plugin's name (it was only logged before)
            RuntimeAttacker.awaitDenialAudited(context, "(unidentified-plugin)", "the shell calling a JDK method");
        } finally {
            plugin.uninstall();
            Files.deleteIfExists(target);
            Files.deleteIfExists(commandTarget);
        }
    }

    /**
     * Red team 3: a plugin's object with HTTP whiteboard resource properties (a pattern over /console/*, a prefix in its
     * jar, the highest ranking) had the container's HTTP server serve the plugin's page as the web console, and take
     * /api/v1/* away; a script on the console's origin then made an administrator with a logged-in admin's session.
     * Such a service is an impostor: hidden from every bundle, the HTTP whiteboard included, and the plugin stopped.
     */
    @Test
    public void aPluginServesNothingOverTheContainersHttpServer() throws Exception {
        Bundle plugin = install("evil-http-resource");
        try {
            plugin.start();
            Await.until("the whiteboard service is refused", 10_000, () -> String.join(" ", security.refusals(plugin))
                    .contains("registered a service for the container's HTTP server (osgi.http.whiteboard.resource."));
            assertFalse("no bundle sees it", hasService("(osgi.http.whiteboard.resource.pattern=/console/*)"));
        } finally {
            plugin.uninstall();
        }
    }

    // ---- contained at run time

    @Test
    public void withoutReadPatientsThePatientServiceIsInvisible() throws Exception {
        Bundle plugin = install("evil-reads-patients");
        plugin.start();
        assertEquals("hidden", attack("reads-patients"));
        String why = String.join("\n", plugins.why(String.valueOf(plugin.getBundleId())));
        assertTrue(why, why.contains("org.carehost.sdk.patient.PatientService"));
        assertTrue(why, why.contains("missing permission read:patients or write:patients"));
        assertEquals("its reference stays unsatisfied", 0,
                context.getServiceReferences(Callable.class, "(attack=reads-patients-ref)").size());
    }

    @Test
    public void aPermissionDeclaredButNotGrantedIsDeniedAuditedAndGrantedAtOnce() throws Exception {
        Bundle plugin = install("evil-undeclared-write");
        plugin.start();
        String name = plugin.getSymbolicName();
        security.revoke(name, List.of(Permission.WRITE_PATIENTS));
        try {
            assertEquals("denied write:patients", attack("write-patients"));
            AuditRecord denied = awaitAudit(name, AuditOutcome.DENIED, "PatientService.create");
            assertTrue(denied.reason(), denied.reason().contains("write:patients"));
            assertEquals(Long.valueOf(1), security.report(plugin).denied().get("write:patients"));
            assertTrue(security.report(plugin).granted().contains("read:patients"));
            assertFalse(security.report(plugin).granted().contains("write:patients"));
        } finally {
            security.grant(name, List.of(Permission.WRITE_PATIENTS));
        }
        assertTrue(attack("write-patients").startsWith("created "));
        assertTrue(security.report(plugin).used().contains("write:patients"));
    }

    @Test
    public void theHostServiceImplementationsAndContainerInternalsCannotBeLookedUp() throws Exception {
        // another plugin's notifier: the container calls it, with its checks and audit; a plugin must not
        Bundle notifier = install("test-notifier");
        notifier.start();
        Await.until("the other plugin's notifier is registered", 10_000,
                () -> hasService("(objectClass=org.carehost.sdk.plugin.Notifier)"));
        install("evil-finds-impl").start();
        String found = attack("finds-impl");
        notifier.uninstall();
        assertFalse("another plugin's notifier is visible: " + found, found.contains("org.carehost.sdk.plugin.Notifier"));
        assertTrue("positive control: it holds read:patients, so it sees the service: " + found,
                found.contains("org.carehost.sdk.patient.PatientService"));
        for (String hidden : List.of("org.carehost.clinical.internal.PatientRecords", "PatientServiceImpl",
                "org.carehost.store.Store", "org.carehost.audit.AuditLog", "DataSourceFactory",
                "ServiceComponentRuntime", "CommandProcessor", "FindHook", "ResolverHookFactory")) {
            assertFalse(hidden + " is visible: " + found, found.contains(hidden));
        }
    }

    @Test
    public void patientEventsDoNotReachAPluginWithoutReadPatients() throws Exception {
        Bundle plugin = install("evil-listens");
        plugin.start();
        AtomicInteger seen = new AtomicInteger();
        Dictionary<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, PatientEvents.TOPIC_ALL);
        context.registerService(EventHandler.class, event -> seen.incrementAndGet(), topics);
        createPatient();
        Await.until("the patient event is delivered", 10_000, () -> seen.get() > 0);
        // Event Admin reaches a plugin's handler only through the wrapper the security manager registers for it
        // when its handler is registered (the plugin's own is hidden from Event Admin): for this one there is none.
        assertTrue("the plugin's handler is registered", hasService("(&(attack=listens)(objectClass="
                + EventHandler.class.getName() + "))"));
        assertFalse("no delivery wrapper for it", hasService("(carehost.delivers.to.plugin="
                + plugin.getSymbolicName() + ")"));
        assertEquals("0", attack("listens"));
    }

    @Test
    public void aPluginRegisteringAHostServiceIsHiddenStoppedAndAudited() throws Exception {
        Bundle impostor = install("evil-impostor");
        impostor.start();
        Await.until("the impostor is stopped", 10_000, () -> impostor.getState() != Bundle.ACTIVE);
        Collection<ServiceReference<PatientService>> all = context.getServiceReferences(PatientService.class, null);
        assertFalse(all.isEmpty());
        for (ServiceReference<PatientService> reference : all) {
            assertEquals("org.carehost.clinical", reference.getBundle().getSymbolicName());
        }
        awaitDenialAudited(impostor, "security.register", "org.carehost.sdk.patient.PatientService");
        assertTrue(String.join("\n", plugins.why(String.valueOf(impostor.getBundleId()))).contains("only the container"));
        assertHostServicesStillWork();
    }

    @Test
    public void aPluginMayPostOnlyOnItsOwnTopicsNeverTheContainers() throws Exception {
        Bundle plugin = install("evil-forges-event");
        plugin.start();
        Await.until("the forger is active", 10_000, () -> hasProbe("forges-event"));
        assertEquals("carehost/security/DENIED refused; carehost/patient/CREATED refused; org/example/forger/DONE posted;",
                attack("forges-event"));
        awaitDenialAudited(plugin, "security.publish", "carehost/security/DENIED");
        for (AuditRecord record : audit.query(new AuditQuery(null, "org.carehost.sample.hello", null, AuditOutcome.DENIED,
                null, null, 0, 100)).items()) {
            fail("a forged security event reached the audit trail: " + record);
        }
    }

    @Test
    public void aPluginCannotHijackAContainerShellCommand() throws Exception {
        Bundle plugin = install("evil-hijacks-command");
        plugin.start();
        Await.until("the hijacker is stopped", 10_000, () -> plugin.getState() != Bundle.ACTIVE);
        awaitDenialAudited(plugin, "security.register", "commands in the shell scope security");
        assertEquals("the shell never saw it", 0, context.getServiceReferences((String) null,
                "(&(osgi.command.scope=security)(service.ranking=1000))") == null ? 0
                : context.getServiceReferences((String) null, "(&(osgi.command.scope=security)(service.ranking=1000))").length);
    }

    @Test
    public void aPluginCannotShadowAnOperatorsCommandByTakingItsName() throws Exception {
        Bundle plugin = install("evil-shadows-command");
        String reason = "registered the shell command aa:lb, which would shadow the container's command felix:lb";
        int deniedBefore = denials(plugin, "security.register", reason); // the other test installs it too
        try {
            plugin.start();
            Await.until("the plugin registering aa:lb is stopped", 10_000, () -> plugin.getState() != Bundle.ACTIVE);
            Await.until("the denial is audited", 10_000, () -> denials(plugin, "security.register", reason) > deniedBefore);
            String why = String.join("\n", plugins.why(String.valueOf(plugin.getBundleId())));
            assertTrue(why, why.contains("felix:lb"));
            String listed = Shell.run(shell, "lb");
            assertTrue("the operator's lb runs, and lists the plugin: " + listed,
                    listed.contains("evil-shadows-command") && listed.contains(String.valueOf(plugin.getBundleId())));
        } finally {
            plugin.uninstall();
        }
    }

    @Test
    public void aContainerCommandArrivingLaterStopsThePluginThatTookItsName() throws Exception {
        Bundle gogoCommands = Fixtures.bundle(context, "org.apache.felix.gogo.command");
        Bundle plugin = install("evil-shadows-command");
        String reason = "registered the shell command aa:lb, which would shadow the container's command felix:lb";
        int deniedBefore = denials(plugin, "security.register", reason);
        gogoCommands.stop();
        try {
            plugin.start();
            Await.until("aa:lb is registered while no container command is named lb", 10_000, () -> plugin.getState()
                    == Bundle.ACTIVE && Fixtures.hasService(context, "(&(osgi.command.scope=aa)(osgi.command.function=lb))"));
        } finally {
            gogoCommands.start();
        }
        try {
            Await.until("the plugin is stopped once felix:lb is back", 10_000, () -> plugin.getState() != Bundle.ACTIVE);
            Await.until("the denial is audited", 10_000, () -> denials(plugin, "security.register", reason) > deniedBefore);
            assertTrue(String.join(" ", security.refusals(plugin)), String.join(" ", security.refusals(plugin)).contains(reason));
            Await.until("the operator's lb runs again (Gogo forgot aa:lb)", 10_000, () -> lists(plugin));
        } finally {
            plugin.uninstall();
        }
    }

    /**
     * Red team 14: Gogo hands the operator's session to a plugin's command as an AutoCloseable, and closing it ended
     * the operator's shell (every later command "session is closed", exit included). The close is refused at run time
     * (the agent's hook on Gogo's session), audited, and the session runs the next command.
     */
    @Test
    public void aPluginsCommandCannotCloseTheOperatorsSession() throws Exception {
        Bundle plugin = install("evil-closes-session");
        plugin.start();
        Await.until("rtsc:grab is registered", 10_000,
                () -> Fixtures.hasService(context, "(&(osgi.command.scope=rtsc)(osgi.command.function=grab))"));
        String reason = "close the operator's shell session";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        try (org.apache.felix.service.command.CommandSession session = shell.createSession(
                new java.io.ByteArrayInputStream(new byte[0]), print, print)) {
            Exception refused = org.junit.Assert.assertThrows(Exception.class, () -> session.execute("rtsc:grab"));
            assertTrue(String.valueOf(refused), String.valueOf(refused).contains(reason));
            Object listed = session.execute("lb");
            assertTrue("the session runs the next command", listed != null || out.toString().contains("System Bundle"));
        } finally {
            plugin.uninstall();
        }
        Await.until("the refusal is audited", 10_000, () -> denials(plugin, "security.runtime", reason) > 0);
    }

    /** Whether the operator's unscoped {@code lb} runs and lists the plugin. */
    private boolean lists(Bundle plugin) {
        try {
            return Shell.run(shell, "lb").contains("evil-shadows-command");
        } catch (Exception stillBroken) {
            return false;
        }
    }

    @Test
    public void anAmbientPermissionGrantedLetsThePluginRunAndItsRevocationStopsIt() throws Exception {
        Bundle plugin = install("evil-socket");
        try {
            plugin.start();
            fail("started without use:network");
        } catch (BundleException expected) {
            // refused
        }
        String refusal = String.join(" ", security.refusals(plugin));
        assertTrue(refusal, refusal.contains("use:network (declared but not granted"));
        security.grant(plugin.getSymbolicName(), List.of(Permission.USE_NETWORK));
        try {
            Await.until("the plugin runs once granted", 20_000, () -> plugin.getState() == Bundle.ACTIVE
                    && hasProbe("socket"));
            assertTrue(attack("socket").startsWith("listened on "));
        } finally {
            security.revoke(plugin.getSymbolicName(), List.of(Permission.USE_NETWORK));
        }
        Await.until("the plugin is stopped once revoked", 20_000, () -> plugin.getState() == Bundle.INSTALLED);
    }

    @Test
    public void anUnknownPermissionNameIsRefusedWithTheValidNames() throws Exception {
        File jar = Fixtures.withManifestHeader(ContainerOptions.bundleFile("carehost-fixture-greeter-v1"),
                "Carehost-Permissions", "read:patient", Fixtures.workFolder("unknown").toFile());
        try {
            plugins.install(jar.getPath());
            fail("installed with an unknown permission");
        } catch (org.carehost.plugins.PluginException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("unknown permission 'read:patient'"));
            assertTrue(expected.getMessage(), expected.getMessage().contains("read:patients, write:patients"));
        }
        for (Bundle bundle : context.getBundles()) {
            assertFalse("nothing is left installed", jar.toURI().toString().equals(bundle.getLocation()));
        }
    }

    // ---- helpers

    private Bundle install(String fixture) throws BundleException {
        return Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-" + fixture));
    }

    private boolean hasService(String filter) {
        return Fixtures.hasService(context, filter);
    }

    private boolean hasProbe(String name) {
        return Fixtures.hasProbe(context, name);
    }

    private String attack(String name) throws Exception {
        return Fixtures.callProbe(context, name);
    }

    /** How many denials of the plugin for this operation, with this in the reason, the audit trail holds. */
    private int denials(Bundle plugin, String operation, String reasonPart) {
        int count = 0;
        for (AuditRecord record : audit.query(new AuditQuery(null, plugin.getSymbolicName(), null, AuditOutcome.DENIED,
                null, null, 0, 100)).items()) {
            count += record.operation().equals(operation) && String.valueOf(record.reason()).contains(reasonPart) ? 1 : 0;
        }
        return count;
    }

    private Patient createPatient() {
        return patients.create(Patient.builder().addName(HumanName.official("Secure", "Sam"))
                .addIdentifier(Identifier.mrn("urn:test", "S-" + UUID.randomUUID().toString().substring(0, 8)))
                .birthDate(LocalDate.of(1980, 2, 2)).build());
    }

    private void assertHostServicesStillWork() {
        Patient created = createPatient();
        assertEquals(created.id(), patients.get(created.id()).id());
    }

    private AuditRecord awaitAudit(String plugin, AuditOutcome outcome, String operation) throws InterruptedException {
        return awaitAudit(plugin, outcome, operation, "");
    }

    private AuditRecord awaitAudit(String plugin, AuditOutcome outcome, String operation, String reasonPart)
            throws InterruptedException {
        AuditRecord[] found = {null};
        Await.until(plugin + " " + outcome + " " + operation + " (" + reasonPart + ") in the audit trail", 10_000, () -> {
            for (AuditRecord record : audit.query(new AuditQuery(null, plugin, null, outcome, null, null, 0, 100)).items()) {
                if (record.operation().equals(operation) && String.valueOf(record.reason()).contains(reasonPart)) {
                    found[0] = record;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private void awaitDenialAudited(Bundle plugin, String operation, String reasonPart) throws InterruptedException {
        awaitAudit(plugin.getSymbolicName(), AuditOutcome.DENIED, operation, reasonPart);
    }
}
