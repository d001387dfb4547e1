package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.ValidationException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Updates drain: while a call into the greeter plugin (v1's code) is in flight, {@code plugin:update} to v2 (or v2's
 * jar replacing v1's in the deploy folder, the hot reload) waits for it, a new call meanwhile is refused saying why,
 * the call in flight finishes on v1's code with its result, and then v2 serves. Every step waits for a state it can
 * see (the drain, the call's result, v2's greeting), never a time.
 * <p>
 * Updates under load lose nothing: while threads create patients without pause, a required (fail-closed) validator
 * gating those creates is updated back and forth between its two versions; every create is stored and checked by one
 * of the versions (none refused, none let through unchecked), and each version checked some.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DrainIT {

    private static final String GREETER = "org.carehost.fixture.greeter";

    @Inject
    BundleContext context;

    @Inject
    PluginManager plugins;

    @Inject
    PluginCalls calls;

    @Inject
    PatientService patients;

    private static final String VALIDATOR = ValidatorLoad.VALIDATOR;
    private static final int UPDATES = 4;
    private static final int CREATORS = 4;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("drain")};
    }

    private static String fixture(String name) {
        return new java.io.File(System.getProperty("carehost.bundles"), name + ".jar").getAbsolutePath();
    }

    @SuppressWarnings("rawtypes")
    private Supplier greeter() throws Exception {
        Collection<ServiceReference<Supplier>> refs = context.getServiceReferences(Supplier.class, "(fixture=greeter)");
        return refs.isEmpty() ? null : context.getService(refs.iterator().next());
    }

    @Test
    public void aCallInFlightFinishesOnTheOldCodeAcrossPluginUpdate() throws Exception {
        PluginInfo installed = plugins.install(fixture("carehost-fixture-greeter-v1"));
        plugins.start(String.valueOf(installed.id()));
        try {
            acrossAnUpdate(context.getBundle(installed.id()), threads -> threads.submit(() -> plugins.update(GREETER,
                    fixture("carehost-fixture-greeter-v2"))));
            assertEquals("2.0.0", plugins.get(GREETER).version());
        } finally {
            plugins.uninstall(String.valueOf(installed.id()));
        }
    }

    @Test
    public void aCallInFlightFinishesOnTheOldCodeAcrossAHotReload() throws Exception {
        Path deploy = Paths.get(System.getProperty("carehost.deploy"));
        drop(deploy, "carehost-fixture-greeter-v1");
        Await.until("the deploy folder installs v1", 20_000, () -> Fixtures.installed(context, GREETER).isPresent());
        Bundle bundle = Fixtures.bundle(context, GREETER);
        try {
            acrossAnUpdate(bundle, threads -> threads.submit(() -> {
                drop(deploy, "carehost-fixture-greeter-v2"); // the watcher updates the plugin in place
                return null;
            }));
        } finally {
            Files.deleteIfExists(deploy.resolve("greeter.jar"));
            Await.until("deleting the file uninstalls the plugin", 20_000,
                    () -> context.getBundle(bundle.getBundleId()) == null);
        }
    }

    @Test
    public void updatesUnderLoadLoseNoCreate() throws Exception {
        PluginInfo installed = plugins.install(fixture("carehost-fixture-drain-validator-v1"));
        Await.until("the validator is registered", 20_000, () -> Fixtures.hasService(context,
                "(&(objectClass=org.carehost.sdk.plugin.Validator)(service.bundleid=" + installed.id() + "))"));
        try {
            try {
                patients.create(ValidatorLoad.patient("Bad"));
                fail("the validator gates creates: Bad is refused");
            } catch (ValidationException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains(VALIDATOR));
            }
            ValidatorLoad load = new ValidatorLoad(patients, CREATORS);
            try {
                load.awaitCheckedBy("v1", "before the updates");
                for (int update = 1; update <= UPDATES; update++) {
                    String version = update % 2 == 1 ? "v2" : "v1";
                    load.updating(() -> plugins.update(VALIDATOR, fixture("carehost-fixture-drain-validator-" + version)));
                    load.awaitCheckedBy(version, "after update " + update);
                }
            } finally {
                load.close();
            }
            load.assertNothingLost();
        } finally {
            plugins.uninstall(String.valueOf(installed.id()));
        }
    }

    /** Copy beside the folder, then rename in, so the watcher never sees half a file. */
    private static void drop(Path deploy, String fixture) throws IOException {
        Path partial = deploy.resolveSibling(deploy.getFileName() + "-greeter.partial");
        Files.copy(Paths.get(fixture(fixture)), partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, deploy.resolve("greeter.jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** What starts the update, on one of the test's threads. */
    private interface Update {
        Future<?> start(ExecutorService threads) throws Exception;
    }

    /** Holds a call into v1 open, starts the update, and checks the drain, the call's result and v2 after it. */
    private void acrossAnUpdate(Bundle bundle, Update updating) throws Exception {
        Await.until("v1 greets", 20_000, () -> "hello from v1".equals(Greeters.greeting(context)));
        @SuppressWarnings("rawtypes")
        Supplier v1 = greeter();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            // A call into the plugin's code (the host's kind "workflow"), held open until the test lets it go.
            Future<Object> inFlight = threads.submit(() -> calls.call(bundle, "workflow", "Greeter.get", () -> {
                entered.countDown();
                release.await();
                return v1.get();
            }));
            assertTrue("the call is running", entered.await(20, TimeUnit.SECONDS));

            Future<?> update = updating.start(threads);
            Await.until("the update drains the plugin", 20_000, () -> calls.draining(bundle));
            assertEquals("v1 is still installed while its call runs", "1.0.0", bundle.getVersion().toString());
            assertFalse(update.isDone() && !calls.draining(bundle));
            try {
                calls.call(bundle, "workflow", "Greeter.get", () -> "must not run");
                fail("a new call during the drain is refused");
            } catch (PluginCallException refused) {
                assertEquals(PluginCallException.Reason.REFUSED, refused.reason());
                assertTrue(refused.getMessage(), refused.getMessage().contains("being stopped or updated"));
            }

            release.countDown();
            assertEquals("the call in flight finished on v1's code", "hello from v1", inFlight.get(20, TimeUnit.SECONDS));
            update.get(60, TimeUnit.SECONDS);
            Await.until("v2 greets", 30_000, () -> "hello from v2".equals(Greeters.greeting(context)));
            assertEquals("2.0.0", bundle.getVersion().toString());
            assertFalse(calls.draining(bundle));
            @SuppressWarnings("rawtypes")
            Supplier v2 = greeter();
            assertEquals("new calls reach v2", "hello from v2", calls.call(bundle, "workflow", "Greeter.get", v2::get));
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }
}
