package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
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
 * Updates drain: while a call into the greeter plugin (v1's code) is in flight, {@code plugin:update} to v2 waits for
 * it, a new call meanwhile is refused saying why, the call in flight finishes on v1's code with its result, and then
 * v2 serves. Every step waits for a state it can see (the drain, the call's result, v2's greeting), never a time.
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
    public void aCallInFlightFinishesOnTheOldCodeAcrossAnUpdate() throws Exception {
        PluginInfo installed = plugins.install(fixture("carehost-fixture-greeter-v1"));
        Bundle bundle = context.getBundle(installed.id());
        plugins.start(String.valueOf(installed.id()));
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

            Future<PluginInfo> update = threads.submit(() -> plugins.update(GREETER,
                    fixture("carehost-fixture-greeter-v2")));
            Await.until("the update drains the plugin", 20_000, () -> calls.draining(bundle));
            assertEquals("v1 is still installed while its call runs", "1.0.0", bundle.getVersion().toString());
            assertFalse(update.isDone());
            try {
                calls.call(bundle, "workflow", "Greeter.get", () -> "must not run");
                fail("a new call during the drain is refused");
            } catch (PluginCallException refused) {
                assertEquals(PluginCallException.Reason.REFUSED, refused.reason());
                assertTrue(refused.getMessage(), refused.getMessage().contains("being stopped or updated"));
            }

            release.countDown();
            assertEquals("the call in flight finished on v1's code", "hello from v1", inFlight.get(20, TimeUnit.SECONDS));
            PluginInfo updated = update.get(60, TimeUnit.SECONDS);
            assertEquals("2.0.0", updated.version());
            Await.until("v2 greets", 20_000, () -> "hello from v2".equals(Greeters.greeting(context)));
            assertFalse(calls.draining(bundle));
            @SuppressWarnings("rawtypes")
            Supplier v2 = greeter();
            assertEquals("new calls reach v2", "hello from v2", calls.call(bundle, "workflow", "Greeter.get", v2::get));
        } finally {
            release.countDown();
            threads.shutdownNow();
            plugins.uninstall(String.valueOf(installed.id()));
        }
    }
}
