package org.carehost.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.carehost.audit.AuditLog;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginManager;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
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

/**
 * The second layer: plugins that get past the bytecode scan (granted use:reflection and use:files, or declaring
 * nothing and going through the JDK's XML) are stopped at the JDK's choke points by the agent, each denial thrown in
 * the plugin as PermissionDeniedException and audited, and nothing happens (no file, no connection, no process, no
 * exit), while container code called by a plugin still does its own I/O. Runs on JDK 17 and, as a second failsafe
 * execution, on JDK 25.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeEnforcementIT {

    private static final String ATTACKER = "org.carehost.fixture.evil.runtime";

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Inject
    PermissionGuard guard;

    @Inject
    PluginCalls calls;

    @Inject
    org.osgi.service.cm.ConfigurationAdmin configurations;

    @Inject
    PluginManager plugins;

    @Inject
    AuditLog audit;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("runtime")};
    }

    @Test
    public void theRunTimeLayerIsOn() {
        assertTrue(security.status().runtimeLayer(), security.status().runtimeLayer().startsWith("on"));
    }

    /**
     * Red team 13: a plugin calling the agent's gate itself had the checker keep records of calls the JDK never made
     * (the framework's class loader recorded as the plugin's, a forged poll of stopped code parking the deploy watcher,
     * memory given back, threads hidden as a pool's). The gate now takes a check only from the class the agent hooked
     * for its id: here the test's own code asks, through reflection, with hooked ids and with one of the gate's own
     * (a direct call from plugin code is refused at install: the scan forbids naming the gate; ClassRenameTest calls it
     * directly from a class of its own).
     */
    @Test
    public void theGateTakesAChecksOnlyFromTheMethodItsIdNames() throws Exception {
        java.lang.reflect.Method check = Class.forName("java.lang.CarehostGate").getMethod("check", String.class,
                Object.class, Object[].class);
        for (String forged : List.of("java.lang.ClassLoader.<init>", "java.util.zip.Deflater.end",
                "carehost.code-stopped")) {
            java.lang.reflect.InvocationTargetException refused = org.junit.Assert.assertThrows(
                    java.lang.reflect.InvocationTargetException.class,
                    () -> check.invoke(null, forged, getClass().getClassLoader(), null));
            // asked for by the JDK's reflection (the frame right below the gate), which is hooked for no id
            assertTrue(String.valueOf(refused.getCause()), refused.getCause() instanceof SecurityException
                    && refused.getCause().getMessage().contains(", not by the method it names"));
        }
        // and the JDK's own hooked methods still reach the checker: a file of the container's is refused to a plugin
        attacker();
        assertDenied(attack("read:" + keyFile()), "a file of the container's");
    }

    @Test
    public void theDataKeyAndThePolicyAreOutOfReachWhateverIsGranted() throws Exception {
        attacker();
        Path keyFile = keyFile();
        String read = attack("read:" + keyFile);
        assertDenied(read, "a file of the container's");
        Path policy = Paths.get(context.getProperty("carehost.security.policy")).toAbsolutePath();
        byte[] before = Files.readAllBytes(policy);
        assertDenied(attack("write:" + policy), "a file of the container's");
        assertArrayEquals("the policy is unchanged", before, Files.readAllBytes(policy));
        assertDenied(attack("list:" + policy.getParent()), "a file of the container's");
        awaitDenialAudited(keyFile.getFileName().toString());
    }

    @Test
    public void useFilesReachesItsOwnFolderOnly() throws Exception {
        attacker();
        Path own = Paths.get(context.getProperty("carehost.plugins.data")).toAbsolutePath().resolve(ATTACKER)
                .resolve("notes-" + UUID.randomUUID() + ".txt");
        assertTrue(attack("write:" + own), attack("write:" + own).startsWith("done"));
        assertEquals("pwned", Files.readString(own));
        Path outside = outside("evil-write");
        assertDenied(attack("write:" + outside), "outside its folder");
        assertFalse(Files.exists(outside));
        assertDenied(attack("read-io:/etc/hostname"), "outside its folder");
    }

    @Test
    public void theEnvironmentNeedsUseEnvAndTheContainersSecretsNeverShow() throws Exception {
        attacker();
        assertDenied(attack("env:CAREHOST_DATA_KEY"), "the container's secret");
        assertDenied(attack("env:HOME"), "use:env");
        assertDenied(attack("env:"), "the whole environment");
    }

    @Test
    public void noConnectionWithoutUseNetwork() throws Exception {
        attacker();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertDenied(attack("connect:" + listener.getLocalPort()), "use:network");
            // URL.equals and hashCode look the host up, through the framework's URL handler proxy, which is no
            // deputy: the lookup is refused and audited. On JDK 17 the JDK takes the refusal (a SecurityException)
            // as an unresolvable host and compares the names; on JDK 25 the proxy, calling the JDK's handler by
            // reflection, reports it as an IllegalStateException of its own
            String host = "evil-" + UUID.randomUUID() + ".invalid";
            String equality = attack("url-equals:" + host);
            assertTrue(equality, equality.equals("done: equal true, same hash true")
                    || equality.startsWith("failed: java.lang.IllegalStateException: Stream handler unavailable"));
            awaitDenialAudited(host);
            try (Socket own = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                    Socket first = listener.accept()) {
                assertEquals("the first connection the listener sees is the test's own", own.getLocalPort(),
                        first.getPort());
            }
        }
    }

    /**
     * A socket, a pipe or a selector is a descriptor of the process's: none without use:network, and no file watch
     * service without use:files, reached by reflection past the scan (red team 17: a plugin with no permission opened
     * pipes until the process had no descriptor left; the policy could no longer be written, nor a plugin installed).
     * This attacker holds use:files: its watch service is opened (the control).
     */
    @Test
    public void noSocketPipeOrSelectorWithoutUseNetwork() throws Exception {
        attacker();
        assertDenied(attack("pipe:"), "open a pipe without use:network");
        assertDenied(attack("selector:"), "open a selector without use:network");
        assertDenied(attack("channel-group:"), "open an asynchronous channel group without use:network");
        assertDenied(attack("unix-socket:"), "open a Unix-domain socket without use:network");
        String watch = attack("watch:");
        assertEquals("the control: its watch service is opened", "done: opened", watch);
        awaitDenialAudited("open a pipe");
    }

    /**
     * Red team 19: a plugin's code runs on the container's threads, and left them changed (an interrupt ended Felix
     * FileInstall's deploy watcher). A call the host makes into a plugin (PluginCalls) gives its worker back as it
     * found it: the next call on the same worker finds its name, context class loader and priority as they were, and
     * no interrupt. Nothing was refused. (The framework's calls: ContainerThreadInterruptIT.)
     */
    @Test
    public void aCallIntoAPluginGivesTheWorkerBackAsItFoundIt() throws Exception {
        attacker();
        Bundle plugin = Fixtures.bundle(context, ATTACKER);
        ClassLoader attackers = plugin.adapt(org.osgi.framework.wiring.BundleWiring.class).getClassLoader();
        String found = null;
        for (int tries = 0; found == null && tries < 50; tries++) { // until the next call lands on the same worker
            Thread[] spoilt = new Thread[1];
            assertEquals("done: spoilt", calls.call(plugin, "workflow", "spoil", () -> {
                spoilt[0] = Thread.currentThread();
                return attack("spoil-thread:");
            }));
            found = calls.call(plugin, "workflow", "probe", () -> {
                Thread worker = Thread.currentThread();
                return worker != spoilt[0] ? null : worker.getName() + " interrupted=" + worker.isInterrupted()
                        + " attacker's loader=" + (worker.getContextClassLoader() == attackers) + " priority="
                        + worker.getPriority();
            });
        }
        assertNotNull("no two calls in a row on the same worker", found);
        assertTrue(found, found.matches("carehost-plugin-call-\\d+ interrupted=false attacker's loader=false "
                + "priority=" + Thread.NORM_PRIORITY));
    }

    /**
     * The same for a plugin's task on a pool that is not its own: the common pool's worker runs everybody's tasks (on
     * JDK 25 the waiting caller, this test's thread, may run the task itself: it is given back the same way).
     */
    @Test
    public void aPluginsTaskGivesTheCommonPoolsWorkerBackAsItFoundIt() throws Exception {
        attacker();
        String found = attack("spoil-pool:");
        assertTrue(found, found.matches("done: found (ForkJoinPool.commonPool-worker-\\d+|"
                + java.util.regex.Pattern.quote(Thread.currentThread().getName()) + ") mine=false priority="
                + Thread.NORM_PRIORITY));
        assertFalse("this thread too is as it was", Thread.currentThread().getName().startsWith("spoilt"));
    }

    @Test
    public void noProcessWithoutUseProcesses() throws Exception {
        attacker();
        Path marker = outside("evil-exec");
        assertDenied(attack("exec:touch " + marker), "use:processes");
        assertFalse(Files.exists(marker));
    }

    @Test
    public void theJvmItsPropertiesAndItsStreamsAreNotAPluginsToChange() throws Exception {
        attacker();
        assertDenied(attack("exit"), "exit the JVM");
        assertDenied(attack("halt"), "halt the JVM");
        assertDenied(attack("setprop"), "system properties");
        assertNull(System.getProperty("carehost.evil"));
        PrintStream out = System.out;
        assertDenied(attack("set-out"), "replace System.out");
        assertSame(out, System.out);
        assertDenied(attack("close-stdin"), "standard streams");
        assertDenied(attack("native"), "use:native");
    }

    @Test
    public void jdkToolsJmxAndTheSecurityManagersOwnCodeAreOutOfReach() throws Exception {
        attacker();
        assertDenied(attack("tool"), "JDK tool");
        assertDenied(attack("jmx"), "JMX");
        assertDenied(attack("reflect-security"), "the security manager's own code");
        assertDenied(attack("unsafe"), "writes any memory");
    }

    /**
     * Red team 7: a plugin with no permission held the monitors of every bundle's Bundle object (Felix takes a bundle's
     * at its first class loads: no shell command answered again) and, on JDK 17, of Thread.class (which numbers each new
     * thread: none could start, SIGTERM was ignored). Its synchronized blocks on what the container and the JDK lock
     * are refused before the lock is taken; on its own objects, and on System.err, they pass.
     */
    @Test
    public void aPluginHoldsNoMonitorTheContainerOrTheJdkTakes() throws Exception {
        attacker();
        assertDenied(attack("lock:bundles"), "hold the lock of an object of org.apache.felix.framework");
        assertDenied(attack("lock:thread-class"), "hold the lock of the class java.lang.Thread");
        assertEquals("System.err is the shell's thread stream, which plugins lock to keep lines together",
                "done: held System.err", attack("lock:stderr"));
        assertDenied(attack("lock:writer"), "hold the lock of");
        assertEquals("done: held its own", attack("lock:own"));
        // red team 8: bundle and framework listeners run on the framework's threads; one that never returned held them
        assertDenied(attack("bundle-listener"), "listen to the framework's bundle events");
        assertDenied(attack("framework-listener"), "listen to the framework's framework events");
        // in the method the container calls itself, with no other frame of the plugin's on the stack (the review's case:
        // a walk past that method found only the container, and the lock passed)
        try {
            fail("the plugin held the test's thread's lock: " + Fixtures.handProbe(context, "runtime",
                    Thread.currentThread()));
        } catch (org.carehost.sdk.security.PermissionDeniedException refused) {
            assertTrue(refused.getMessage(), refused.getMessage().contains("hold the lock of the thread"));
        }
    }

    /**
     * java.util.prefs is no plugin's: the JDK writes preferences under the user's home from a timer thread of its own.
     * And a JDK class whose first use a plugin triggers sets itself up as the JDK's: FileSystemPreferences' static
     * initialiser adds a shutdown hook, which was refused as the plugin's, and the class then failed for the whole JVM
     * (NoClassDefFoundError for the container too).
     */
    @Test
    public void preferencesAreNoPluginsAndAJdkClassItInitialisesStillWorksForEveryone() throws Exception {
        attacker();
        assertDenied(attack("prefs"), "java.util.prefs");
        assertEquals("done: initialised", attack("init-class:java.util.prefs.FileSystemPreferences"));
        assertNotNull(Class.forName("java.util.prefs.FileSystemPreferences", true, null));
    }

    /**
     * Granted use:reflection, a plugin still may not open the framework's own objects (setAccessible, a private
     * lookup): past the hooks on its API they hand out every bundle's content and wiring (BundleImpl's revisions,
     * BundleRevisionImpl.getContent). Before, both were allowed ("opened ...", "looked in ...").
     */
    @Test
    public void theFrameworksInternalsAreNoPluginsToOpenEvenWithReflection() throws Exception {
        attacker();
        assertDenied(attack("felix-private:org.carehost.crypto"), "the framework's own code");
        assertDenied(attack("felix-lookup:org.carehost.crypto"), "the framework's own code");
        awaitDenialAudited("the framework's own code");
    }

    @Test
    public void theFrameworkIsNoDeputy() throws Exception {
        attacker();
        assertDenied(attack("stop-bundle:org.carehost.clinical"), "which is not itself");
        assertEquals(Bundle.ACTIVE, Fixtures.bundle(context, "org.carehost.clinical").getState());
        String location = ContainerOptions.bundleFile("carehost-fixture-evil-fragment").toURI().toString();
        assertDenied(attack("install:" + location), "install a bundle");
        for (Bundle bundle : context.getBundles()) {
            assertFalse("nothing was installed", location.equals(bundle.getLocation()));
        }
        // Nor may it move itself below the plugins' start level (which would not make it the container's either).
        assertDenied(attack("start-level:10"), "start level");
        assertEquals(60, attacker().adapt(org.osgi.framework.startlevel.BundleStartLevel.class).getStartLevel());
    }

    @Test
    public void aBundleThatCopiesAContainerBundlesHeadersAndStartLevelIsStillAPlugin() throws Exception {
        Bundle store = Fixtures.bundle(context, "org.carehost.store");
        java.io.File jar = ContainerOptions.bundleFile("carehost-fixture-greeter-v1");
        for (String header : List.of("Bundle-SymbolicName", "Bundle-Vendor", "Bundle-Name", "Carehost-Container")) {
            String value = header.equals("Bundle-SymbolicName") ? "org.carehost.fake"
                    : String.valueOf(store.getHeaders().get(header) == null ? "true" : store.getHeaders().get(header));
            jar = Fixtures.withManifestHeader(jar, header, value, Fixtures.workFolder("fake-container").toFile());
        }
        // Installed by the operator (this test is container code) at the container's start level, as Gogo's
        // "install" and "bundlelevel" could: neither the headers nor the level make it the container's.
        Bundle fake = context.installBundle(jar.toURI().toString());
        try {
            org.osgi.framework.startlevel.BundleStartLevel level =
                    fake.adapt(org.osgi.framework.startlevel.BundleStartLevel.class);
            level.setStartLevel(20);
            Await.until("the copy's start level is the container's", 10_000, () -> level.getStartLevel() == 20);
            assertEquals("Carehost", fake.getHeaders().get("Bundle-Vendor"));
            assertTrue("the security manager counts it a plugin", guard.isPlugin(fake));
            assertFalse("a plugin holds no permission it was not granted", guard.grantsOf(fake).holds(Permission.READ_AUDIT));
            assertTrue("the plugin manager counts it a plugin",
                    plugins.list().stream().anyMatch(plugin -> plugin.id() == fake.getBundleId()));
            assertFalse("the container's own bundle is none", guard.isPlugin(store));
            assertTrue(guard.grantsOf(store).holds(Permission.READ_AUDIT));
        } finally {
            fake.uninstall();
        }
    }

    @Test
    public void theContainersConfigurationsAreNoPluginsToReadOrWrite() throws Exception {
        attacker();
        assertDenied(attack("cm-read:org.carehost.audit"), "Config Admin");
        assertDenied(attack("cm-update:org.carehost.security"), "Config Admin");
        assertDenied(attack("cm-delete:org.carehost.crypto"), "Config Admin");
        assertDenied(attack("cm-factory:org.carehost.audit"), "Config Admin");
        // None of them was made, changed or added (this test, container code, may look).
        assertNull(configurations.listConfigurations("(|(service.pid=org.carehost.audit)"
                + "(service.pid=org.carehost.security)(service.pid=org.carehost.crypto)"
                + "(service.factoryPid=org.carehost.audit))"));
        awaitDenialAudited("Config Admin");
    }

    @Test
    public void aFrameworkExtensionIsRefusedOnEveryInstallPathEvenTheContainers() throws Exception {
        java.io.File jar = Fixtures.withManifestHeader(ContainerOptions.bundleFile("carehost-fixture-greeter-v1"),
                "Fragment-Host", "system.bundle; extension:=framework", Fixtures.workFolder("extension").toFile());
        String location = jar.toURI().toString();
        try {
            context.installBundle(location); // this test is container code: the refusal holds even here
            org.junit.Assert.fail("a framework extension was installed");
        } catch (org.osgi.framework.BundleException | RuntimeException refused) {
            String all = String.valueOf(refused) + " " + refused.getCause();
            assertTrue(all, all.contains("framework extension"));
        }
        for (Bundle bundle : context.getBundles()) {
            assertFalse("nothing was installed", location.equals(bundle.getLocation()));
        }
    }

    @Test
    public void aLibraryOrAThreadOfJdkCodeActsForThePluginThatUsesIt() throws Exception {
        attacker();
        Path outside = outside("evil-jackson");
        assertDenied(attack("jackson-write:" + outside), "outside its folder");
        assertFalse(Files.exists(outside));
        Path own = Paths.get(context.getProperty("carehost.plugins.data")).toAbsolutePath().resolve(ATTACKER)
                .resolve("jackson-" + UUID.randomUUID());
        assertTrue("positive control: Jackson writes in the plugin's own folder", attack("jackson-write:" + own)
                .startsWith("done"));
        assertTrue(Files.exists(own));
        assertDenied(attack("jackson-read:" + keyFile()), "a file of the container's");
        // an object of JDK code only, a method handle's proxy, is refused as it is made (it would run a call the
        // plugin chose with none of its frames on the stack: on a thread of its own, a pool's or the framework's)
        assertDenied(attack("thread-exit"), MAKE_JDK_ONLY);
    }

    @Test
    public void workAPluginHandsTheCommonPoolIsThePlugins() throws Exception {
        attacker();
        // a worker the container started, as in a running container: the plugin's task must not pass for its work
        java.util.concurrent.CountDownLatch warm = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ForkJoinPool.commonPool().execute(warm::countDown);
        assertTrue(warm.await(60, java.util.concurrent.TimeUnit.SECONDS));
        Path keyFile = keyFile();
        // a task of JDK code only (a method handle's proxy) for the common pool, directly or through CompletableFuture
        // and its scheduler, is refused as its proxy is made: a plugin gives a pool work of its own classes (a lambda)
        assertDenied(attack("pool-read:" + keyFile), MAKE_JDK_ONLY);
        assertDenied(attack("pool-env:CAREHOST_DATA_KEY"), MAKE_JDK_ONLY);
        Path outside = outside("evil-async");
        assertDenied(attack("async-write:" + outside), MAKE_JDK_ONLY);
        assertFalse(Files.exists(outside));
        Path later = outside("evil-delayed");
        assertDenied(attack("delayed-write:" + later), MAKE_JDK_ONLY);
        assertFalse(Files.exists(later));
        // and the container's own work of JDK code only, on the same pool after the plugin's, is the container's
        java.lang.invoke.MethodHandle read = java.lang.invoke.MethodHandles.lookup().findStatic(Files.class,
                "readAllBytes", java.lang.invoke.MethodType.methodType(byte[].class, Path.class));
        java.util.concurrent.Callable<?> jdkOnly = java.lang.invoke.MethodHandleProxies.asInterfaceInstance(
                java.util.concurrent.Callable.class, java.lang.invoke.MethodHandles.insertArguments(read, 0, keyFile));
        java.util.concurrent.ForkJoinTask<?> containers = java.util.concurrent.ForkJoinTask.adapt(jdkOnly);
        java.util.concurrent.ForkJoinPool.commonPool().execute(containers);
        assertArrayEquals(Files.readAllBytes(keyFile), (byte[]) containers.get(60, java.util.concurrent.TimeUnit.SECONDS));
        awaitDenialAudited(MAKE_JDK_ONLY);
    }

    @Test
    public void aProxyWhoseCallsNoCodeOfThePluginsCarriesOutIsNotMade() throws Exception {
        attacker();
        // java.beans.EventHandler as a bundle listener: on the framework's thread it would stop another bundle, with
        // no frame of the plugin's on the stack (found by a red-team plugin holding use:reflection only)
        assertDenied(attack("bean-listener:org.carehost.clinical"), "java.beans.EventHandler");
        assertEquals(Bundle.ACTIVE, Fixtures.bundle(context, "org.carehost.clinical").getState());
        awaitDenialAudited("java.beans.EventHandler");
        // nor with a handler of its own class that inherits EventHandler's invoke (found by the review of the fix)
        assertDenied(attack("bean-subclass:org.carehost.clinical"), "no code of its own on the stack");
        assertEquals(Bundle.ACTIVE, Fixtures.bundle(context, "org.carehost.clinical").getState());
        // a proxy read back from a stream is made without Proxy's constructor: refused as it is read
        assertDenied(attack("deserialize-proxy"), "read a proxy from a serialized stream");
        // a class defined beside another bundle's (through a private lookup in a library's class) would run as that
        // bundle's code: no plugin gets a private lookup in a class not its own
        assertDenied(attack("define-beside"), "would define classes in another bundle's class loader");
        // a proxy of its own handler, and the annotations it reads (the JDK's handler), are its own business
        assertEquals("done: own proxy answered 42", attack("own-proxy"));
        assertEquals("done: annotation since=1.2", attack("annotation"));
    }

    @Test
    public void workHandedToAContainersPoolOrATimerIsThePlugins() throws Exception {
        attacker();
        // a one-thread pool the container made and started: a bare Runnable of JDK code only given to its execute
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(1, 1, 1,
                java.util.concurrent.TimeUnit.MINUTES, new java.util.concurrent.LinkedBlockingQueue<>());
        try {
            assertEquals(1, pool.prestartAllCoreThreads());
            assertEquals("kept", Fixtures.handProbe(context, "runtime", pool));
            Path outside = outside("evil-pool");
            assertDenied(attack("pool-execute:" + outside), MAKE_JDK_ONLY); // a task of JDK code only: not made
            assertFalse(Files.exists(outside));
            // the same, but the task first calls the pool's protected afterExecute (or beforeExecute with a Runnable
            // nobody handed over) through a method handle of a pool subclass of its own: its note stays
            for (String trick : List.of("pool-end-note", "pool-rerun-note")) {
                Path cleared = outside("evil-" + trick);
                assertDenied(attack(trick + ":" + cleared), MAKE_JDK_ONLY);
                assertFalse(trick, Files.exists(cleared));
            }
            // the container's own bare Runnable on the same worker, after the plugin's, is the container's
            Path containers = outside("container-pool");
            java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
            pool.execute(() -> {
                try {
                    Files.writeString(containers, "ours");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    written.countDown();
                }
            });
            assertTrue(written.await(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("ours", Files.readString(containers));
            // and a bare Runnable of JDK code only of the container's, on the worker that replaced the one the
            // plugin's task ended (it threw): that worker is the container's, not the plugin's
            Path jdkOnly = outside("container-jdk-only");
            java.lang.invoke.MethodHandle write = java.lang.invoke.MethodHandles.lookup().findStatic(Files.class,
                    "writeString", java.lang.invoke.MethodType.methodType(Path.class, Path.class, CharSequence.class,
                            java.nio.file.OpenOption[].class));
            pool.execute(java.lang.invoke.MethodHandleProxies.asInterfaceInstance(Runnable.class,
                    java.lang.invoke.MethodHandles.insertArguments(write, 0, jdkOnly, "ours",
                            new java.nio.file.OpenOption[0])));
            java.util.concurrent.CountDownLatch after = new java.util.concurrent.CountDownLatch(1);
            pool.execute(after::countDown);
            assertTrue(after.await(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("ours", Files.readString(jdkOnly));
        } finally {
            pool.shutdownNow();
        }
        // a TimerTask, on the timer's own thread (the plugin started it): the task reports the refusal it met. Nothing
        // here is specific to timers: the TimerTask is a class of the plugin's, so its frame makes the plugin the cause
        Path timed = outside("evil-timer");
        String timer = attack("timer-write:" + timed);
        assertTrue(timer, timer.startsWith("done: denied: ") && timer.contains("outside its folder"));
        assertFalse(Files.exists(timed));
        // CareContexts.carry's wrapper (container code) runs the plugin's Callable of JDK code only: no deputy
        assertDenied(attack("carry-read:" + keyFile()), MAKE_JDK_ONLY);
    }

    /**
     * A public class of the container's (the probe's classes are the container's here) whose method and setter read
     * the file they are given: what a plugin finds by class name through the objects of the services it gets.
     */
    public static final class Gadget {
        private int read;

        public static int read(String path) throws IOException {
            return Files.readAllBytes(Paths.get(path)).length;
        }

        public void setPath(String path) throws IOException {
            read = read(path);
        }

        @Override
        public String toString() {
            return read + " bytes";
        }
    }

    @Test
    public void containerCodeAPluginEntersByReflectionOrThroughJacksonActsForThePlugin() throws Exception {
        attacker();
        assertEquals("kept", Fixtures.handProbe(context, "runtime", Gadget.class));
        Path keyFile = keyFile();
        assertDenied(attack("gadget-invoke:" + keyFile), "a file of the container's");
        assertDenied(attack("gadget-jackson:" + keyFile), "a file of the container's");
        // the container calling it itself still reads
        assertEquals(Files.readAllBytes(keyFile).length, Gadget.read(keyFile.toString()));
    }

    @Test
    public void aPluginsCodeThatTheCheckCallsIsCheckedToo() throws Exception {
        attacker();
        assertDenied(attack("state-read:" + keyFile()), "the security check itself called");
        // two deep: its code the check called calls code the nested check would call: that one never runs
        String twoDeep = attack("state-read-two-deep:" + keyFile());
        assertTrue(twoDeep, twoDeep.startsWith("done: stolen: nothing; inner call: denied: ")
                && twoDeep.contains("the security check itself called"));
        awaitDenialAudited("call java.lang.Thread.setName");
        Path outside = outside("evil-lying-file");
        Files.writeString(outside, "keep");
        assertDenied(attack("lying-file:" + outside), "outside its folder");
        assertEquals("keep", Files.readString(outside));
    }

    @Test
    public void whileTheSecurityManagerIsStoppedPluginsAreLockedOutAndTheRefusalsAreAuditedWhenItIsBack()
            throws Exception {
        attacker();
        Path own = Paths.get(context.getProperty("carehost.plugins.data")).toAbsolutePath().resolve(ATTACKER)
                .resolve("lockdown-" + UUID.randomUUID());
        // a class loader the plugin made (and keeps) before the restart: the new security manager never sees it made
        assertDenied(attack("kept-loader:" + keyFile()), ESCAPEE_DEFINED);
        org.osgi.framework.ServiceReference<org.osgi.service.component.runtime.ServiceComponentRuntime> reference =
                context.getServiceReference(org.osgi.service.component.runtime.ServiceComponentRuntime.class);
        org.osgi.service.component.runtime.ServiceComponentRuntime scr = context.getService(reference);
        org.osgi.service.component.runtime.dto.ComponentDescriptionDTO manager = scr.getComponentDescriptionDTO(
                Fixtures.bundle(context, "org.carehost.security"), "org.carehost.security.internal.SecurityManagerImpl");
        // The probe imports the promise package dynamically: wired here, while the framework is idle (once on JDK 25 the
        // first use, inside the component's disabling, found no wire: ClassNotFoundException), retried until it is.
        Await.until("the probe sees org.osgi.util.promise", 20_000, () -> {
            try {
                Class.forName("org.osgi.util.promise.Promise", false, getClass().getClassLoader());
                return true;
            } catch (ClassNotFoundException notYet) {
                return false;
            }
        });
        scr.disableComponent(manager).getValue();
        try {
            Await.until("the security manager is stopped", 20_000,
                    () -> context.getServiceReference(SecurityAdmin.class) == null);
            // a write its grant allows, in its own folder: refused all the same, since nothing can decide it now
            assertDenied(attack("write:" + own), "while the security manager is stopped");
            assertFalse(Files.exists(own));
        } finally {
            scr.enableComponent(manager).getValue();
            context.ungetService(reference);
        }
        Await.until("the security manager is back", 30_000,
                () -> context.getServiceReference(SecurityAdmin.class) != null && Fixtures.hasFunctionProbe(context, "runtime"));
        awaitDenialAudited(own.getFileName().toString()); // audited by the new security manager
        String answer = attack("write:" + own);
        assertTrue("the lockdown ends with the restart: " + answer, answer.startsWith("done"));
        // and the new security manager checks the plugin that was running before it: a plugin already resolved when it
        // started is no container code
        Path outside = outside("after-restart");
        assertDenied(attack("write:" + outside), "outside its folder");
        assertFalse(Files.exists(outside));
        // ... and the loader it made before the restart is still known for its own: it defines no class
        assertDenied(attack("kept-loader:" + keyFile()), ESCAPEE_DEFINED);
    }

    @Test
    public void refusalsAtResolveCountTowardTheDenialRateAlarmAcrossRedeploys() throws Exception {
        String refusedName = "org.carehost.fixture.evil.reads.passwd";
        List<org.osgi.service.event.Event> anomalies = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.Dictionary<String, Object> topics = new java.util.Hashtable<>();
        topics.put(org.osgi.service.event.EventConstants.EVENT_TOPIC, org.carehost.sdk.event.SecurityEvents.ACCESS_ANOMALY);
        org.osgi.framework.ServiceRegistration<org.osgi.service.event.EventHandler> watch = context.registerService(
                org.osgi.service.event.EventHandler.class, anomalies::add, topics);
        Path policy = Paths.get(context.getProperty("carehost.security.policy"));
        String before = Files.readString(policy);
        java.io.File jar = ContainerOptions.bundleFile("carehost-fixture-evil-reads-passwd");
        org.osgi.framework.wiring.FrameworkWiring wiring = context.getBundle(0)
                .adapt(org.osgi.framework.wiring.FrameworkWiring.class);
        Bundle refused = null;
        try {
            Files.writeString(policy, before + "\nanomaly denials-per-minute 1\n");
            security.grant(ATTACKER, List.of(Permission.USE_REFLECTION, Permission.USE_FILES)); // reloads the policy
            refused = Fixtures.installAsPlugin(context, jar);
            assertFalse("refused at resolve", wiring.resolveBundles(List.of(refused)));
            try (java.io.InputStream in = new java.io.FileInputStream(jar)) {
                refused.update(in); // redeployed: its grants start afresh, its refusals still count
            }
            assertFalse("refused at resolve again", wiring.resolveBundles(List.of(refused)));
            Await.until("ACCESS_ANOMALY for a plugin refused twice at resolve within a minute", 10_000,
                    () -> anomalies.stream().anyMatch(event -> refusedName.equals(
                            event.getProperty(org.carehost.sdk.event.SecurityEvents.PLUGIN))));
        } finally {
            watch.unregister();
            if (refused != null) {
                refused.uninstall();
            }
            Files.writeString(policy, before);
            security.grant(ATTACKER, List.of(Permission.USE_REFLECTION, Permission.USE_FILES));
        }
    }

    @Test
    public void containerCodeCalledByAPluginStillDoesItsOwnIo() throws Exception {
        attacker();
        String answer = attack("patients");
        assertTrue(answer, answer.startsWith("done: ") && answer.endsWith(" patients"));
    }

    private static final String ESCAPEE_DEFINED =
            "define the class org.carehost.fixture.evil.runtime.Escapee at run time, in a class loader of its own";

    /**
     * A class loader the JDK makes for a plugin (URLClassLoader.newInstance) is the plugin's, and defines no class: its
     * code would run unscanned and unwoven (red team 12: such a class ran on after its plugin's quarantine). Before,
     * the class was defined and its calls checked as the plugin's.
     */
    @Test
    public void aLoaderTheJdkMadeForAPluginDefinesNoClass() throws Exception {
        attacker();
        String answer = attack("jdk-loader:" + keyFile());
        assertDenied(answer, ESCAPEE_DEFINED);
        awaitDenialAudited("define the class org.carehost.fixture.evil.runtime.Escapee");
    }

    /** Nor does its own lookup (use:reflection or not); the JDK's classes for its lambdas are made as before. */
    @Test
    public void aPluginDefinesNoClassThroughItsLookup() throws Exception {
        attacker();
        assertDenied(attack("lookup-define"), "define a class at run time (MethodHandles.Lookup.defineClass)");
        assertEquals("done: ok!", attack("lambda: ok ")); // its lambdas' classes, which the JDK defines
    }

    @Test
    public void codeAPluginLeavesRunningAfterItUninstallsItselfHoldsNothing() throws Exception {
        attacker();
        assertDenied(attack("env:HOME"), "use:env"); // loads the denial's classes while the plugin is installed
        Path outside = outside("evil-uninstalled");
        String answer = attack("uninstall-then:write:" + outside);
        assertDenied(answer, "its plugin was uninstalled");
        assertFalse(Files.exists(outside));
        assertTrue(Fixtures.installed(context, ATTACKER).isEmpty());
        awaitDenialAudited(outside.getFileName().toString());
        // a host service it kept grants it nothing either, although it read patients while installed
        attacker();
        assertTrue(attack("patients").endsWith(" patients"));
        assertDenied(attack("uninstall-then:patients"), "read:patients");
        // the framework's own clean-up of the uninstall (an immediate refresh) is not refused as the plugin's
        assertTrue(security.denials(100).stream().noneMatch(d -> d.plugin().equals(ATTACKER)
                && d.reason().contains("refresh bundles")));
        attacker(); // installed again, for the other tests
    }

    // the thread, allocation and CPU budgets: RuntimeBudgetsIT

    @Test
    public void xmlThatTheScanDoesNotSeeCannotReadOrWriteFiles() throws Exception {
        Path policy = Paths.get(context.getProperty("carehost.security.policy"));
        String text = Files.readString(policy);
        if (!text.contains("allow-import javax.xml.*")) {
            Files.writeString(policy, text + "\nallow-import javax.xml.* org.w3c.dom org.xml.sax\n");
        }
        Bundle xml = Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-evil-xml"));
        Await.until("the XML plugin resolves once its imports are allowed", 20_000, () -> {
            try {
                xml.start();
                return xml.getState() == Bundle.ACTIVE && Fixtures.hasFunctionProbe(context, "xml");
            } catch (org.osgi.framework.BundleException notYet) {
                return false;
            }
        });
        assertDenied(Fixtures.applyProbe(context, "xml", "xxe:" + keyFile()), "a file of the container's");
        Path outside = outside("evil-xslt");
        assertDenied(Fixtures.applyProbe(context, "xml", "write:" + outside), "use:files");
        assertFalse(Files.exists(outside));
    }

    // ---- helpers

    private Bundle attacker() throws Exception {
        return RuntimeAttacker.running(context, security);
    }

    private String attack(String attack) throws Exception {
        return Fixtures.applyProbe(context, "runtime", attack);
    }

    private Path keyFile() throws IOException {
        Path keys = Paths.get(context.getProperty("carehost.keys")).toAbsolutePath();
        try (Stream<Path> files = Files.list(keys)) {
            return files.filter(Files::isRegularFile).findFirst().orElseThrow(() -> new AssertionError("no key in " + keys));
        }
    }

    private static Path outside(String prefix) throws IOException {
        return Fixtures.workFolder(prefix).toAbsolutePath().resolve(prefix + "-" + UUID.randomUUID() + ".txt");
    }

    /** The refusal of an object of JDK code only (a method handle's proxy) that a plugin asks for. */
    private static final String MAKE_JDK_ONLY = "MethodHandleProxies";

    private static void assertDenied(String answer, String reasonPart) {
        RuntimeAttacker.assertDenied(answer, reasonPart);
    }

    private void awaitDenialAudited(String reasonPart) throws InterruptedException {
        RuntimeAttacker.awaitDenialAudited(context, reasonPart);
    }
}
