package org.carehost.plugins.internal.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCallException.Reason;
import org.carehost.plugins.PluginService;
import org.carehost.security.PluginLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Calls to a plugin's service across its update, on a framework of fakes driven by the events a real one posts: a call
 * during an update's stop is held and runs on the new version's service; a plain stop and an uninstall give a clear
 * refusal; the bound on held calls and the deadline give clear refusals naming the plugin and what to do; a service
 * whose component was renamed is followed when that is certain, and not guessed when it is not.
 */
class HandoverTest {

    private static final AtomicLong SERVICE_IDS = new AtomicLong(100);

    private final List<FakeService> registry = new CopyOnWriteArrayList<>();
    private final PluginLimits limits = new PluginLimits() {
        @Override
        public Duration deadline(Bundle plugin, String kind) {
            return kind.equals("notifier") ? Duration.ofSeconds(3) : Duration.ofSeconds(30);
        }

        @Override
        public long overrunsBeforeQuarantine(Bundle plugin) {
            return 0;
        }

        @Override
        public Optional<Boolean> validatorFailsOpen(String symbolicName, String tenant) {
            return Optional.empty();
        }

        @Override
        public long pluginDataBytes(String symbolicName) {
            return 0;
        }

        @Override
        public void quarantine(Bundle plugin, String because) {
        }

        @Override
        public Optional<String> quarantined(Bundle plugin) {
            return Optional.empty();
        }
    };
    /** The service runtime's word: whether it may still register an active plugin's service (not taken up yet). */
    private volatile boolean mayStillRegister;
    private final PluginCallsImpl calls = new PluginCallsImpl(limits, context(), 2,
            (plugin, key) -> mayStillRegister);
    /** Runs (once) when a call asks the framework for a service object, before the framework looks. */
    private volatile Runnable beforeGetService;

    @AfterEach
    void stop() {
        calls.deactivate();
    }

    @Test
    void aCallDuringAnUpdateIsHeldAndRunsOnTheNewVersion() throws Exception {
        FakePlugin plugin = new FakePlugin(21, "org.example.validator");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1");
        PluginService<Supplier> service = only(calls.services(Supplier.class));
        assertEquals("v1", calls.call(service, "workflow", "get", Supplier::get));

        // plugin:update: STOPPING while still persistently started, then its services go
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        PluginService<Supplier> awaited = only(calls.services(Supplier.class));
        assertTrue(awaited.awaitingNewVersion(), "the validator is still listed while it is replaced");
        assertEquals(v1.id, awaited.serviceId());
        CompletableFuture<Object> held = call(awaited);
        CompletableFuture<Object> heldToo = call(service); // listed before the update: held all the same
        await(() -> calls.handover().held(plugin.bundle) == 2);

        plugin.state = Bundle.STARTING;
        register(plugin, "org.example.Check", () -> "v2");
        plugin.state = Bundle.ACTIVE;
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
        assertEquals("v2", held.get(10, TimeUnit.SECONDS));
        assertEquals("v2", heldToo.get(10, TimeUnit.SECONDS));
        assertTrue(!calls.handover().changing(plugin.bundle));
        assertEquals(2, calls.stats().get(0).calls() - 1, "each held call counted once, when it ran");
        assertEquals(0, calls.stats().get(0).failures());
    }

    @Test
    void aComponentThatActivatesPastTheDeadlineTimesTheFirstCallOutWithoutHoldingTheCaller() throws Exception {
        FakePlugin plugin = new FakePlugin(31, "org.example.slowstart");
        AtomicLong ran = new AtomicLong();
        register(plugin, "org.example.Slow", () -> "activated " + ran.incrementAndGet());
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<String> activatedOn = new AtomicReference<>();
        beforeGetService = () -> { // the service runtime builds the delayed component: its constructor blocks
            activatedOn.set(Thread.currentThread().getName());
            try {
                never.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        };
        PluginService<Supplier> service = only(calls.services(Supplier.class));
        PluginCallException overran = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(PluginCallException.class, () -> calls.call(service, "notifier", "get",
                        Supplier::get)), "the caller waited past the 3 s deadline for the component to activate");
        assertEquals(Reason.TIMED_OUT, overran.reason(), overran.getMessage());
        assertTrue(overran.getMessage().contains("did not activate its service within its notifier deadline of 3000 ms"),
                overran.getMessage());
        assertTrue(activatedOn.get().startsWith("carehost-plugin-call-"),
                "the component was built on the caller's thread: " + activatedOn.get());
        assertEquals(1, calls.stats().get(0).timeouts());
        assertEquals(0, calls.stats().get(0).overrunsInARow(), "a slow activation is not an overrun towards quarantine");
        assertEquals("activated 1", calls.call(service, "notifier", "get", Supplier::get),
                "once the service runtime gives the object, calls run on it; the abandoned call's work never ran");
        assertEquals(2, calls.stats().get(0).calls());
    }

    @Test
    void aFailedUpdateBringsTheOldVersionBackAndHeldCallsRunOnIt() throws Exception {
        FakePlugin plugin = new FakePlugin(22, "org.example.back");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1");
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        CompletableFuture<Object> held = call(only(calls.services(Supplier.class)));
        await(() -> calls.handover().held(plugin.bundle) == 1);
        register(plugin, "org.example.Check", () -> "v1 again"); // the framework restarts the old revision
        plugin.state = Bundle.ACTIVE;
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
        assertEquals("v1 again", held.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aStartedPostedAfterTheNextStoppingDoesNotEndThatStop() throws Exception {
        // The framework posts STARTED after letting go of the bundle: a refresh may already be stopping it again.
        FakePlugin plugin = new FakePlugin(26, "org.example.refreshed");
        FakeService v2 = register(plugin, "org.example.Check", () -> "v2");
        assertEquals("v2", calls.call(only(calls.services(Supplier.class)), "workflow", "get", Supplier::get));
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        assertTrue(calls.draining(plugin.bundle));
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle)); // late, from the start before
        assertTrue(calls.draining(plugin.bundle), "the late STARTED does not end the drain of the stop after it");
        assertTrue(calls.handover().changing(plugin.bundle), "still being replaced");
        unregister(v2);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        plugin.state = Bundle.RESOLVED;
        CompletableFuture<Object> held = call(only(calls.services(Supplier.class)));
        await(() -> calls.handover().held(plugin.bundle) == 1);
        plugin.state = Bundle.ACTIVE;
        register(plugin, "org.example.Check", () -> "v2 refreshed");
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
        assertEquals("v2 refreshed", held.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anUninstallDuringTheUpdateRefusesTheHeldCallsNamingThePlugin() throws Exception {
        FakePlugin plugin = new FakePlugin(23, "org.example.gone");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1");
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        CompletableFuture<Object> held = call(only(calls.services(Supplier.class)));
        await(() -> calls.handover().held(plugin.bundle) == 1);
        plugin.state = Bundle.UNINSTALLED;
        calls.bundleChanged(new BundleEvent(BundleEvent.UNINSTALLED, plugin.bundle));
        PluginCallException refused = refusal(held);
        assertEquals(Reason.REFUSED, refused.reason());
        assertTrue(refused.getMessage().startsWith("org.example.gone was not called"), refused.getMessage());
        assertTrue(refused.getMessage().contains("no longer offers org.example.Check"), refused.getMessage());
        assertTrue(calls.services(Supplier.class).isEmpty(), "nothing awaited any more");
    }

    @Test
    void aPlainStopRefusesAtOnceAsBefore() throws Exception {
        FakePlugin plugin = new FakePlugin(24, "org.example.stopped");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1");
        PluginService<Supplier> service = only(calls.services(Supplier.class));
        plugin.persistentlyStarted = false; // plugin:stop clears it before STOPPING
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        assertTrue(!calls.handover().changing(plugin.bundle));
        assertTrue(calls.services(Supplier.class).isEmpty(), "a stopped plugin's service is not awaited");
        PluginCallException refused = assertThrows(PluginCallException.class,
                () -> calls.call(service, "workflow", "get", Supplier::get));
        assertEquals(Reason.REFUSED, refused.reason());
    }

    @Test
    void aCallDuringAPlainStopsDrainIsRefusedNamingPluginStart() throws Exception {
        FakePlugin plugin = new FakePlugin(27, "org.example.halting");
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        register(plugin, "org.example.Check", () -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "v1";
        });
        PluginService<Supplier> service = only(calls.services(Supplier.class));
        CompletableFuture<Object> inFlight = call(service);
        assertTrue(running.await(10, TimeUnit.SECONDS));
        plugin.persistentlyStarted = false; // plugin:stop clears it before STOPPING
        plugin.state = Bundle.STOPPING;
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(
                () -> calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle))); // drains
        await(() -> calls.draining(plugin.bundle));
        PluginCallException refused = assertThrows(PluginCallException.class,
                () -> calls.call(service, "workflow", "get", Supplier::get));
        assertTrue(refused.getMessage().contains("it is being stopped (not updated)")
                && refused.getMessage().contains("'plugin:start org.example.halting'"), refused.getMessage());
        release.countDown();
        assertEquals("v1", inFlight.get(10, TimeUnit.SECONDS), "the call in flight finishes");
        stopping.get(10, TimeUnit.SECONDS);
    }

    @Test
    void heldCallsAreBoundedAndEachWaitsAtMostItsDeadline() throws Exception {
        FakePlugin plugin = new FakePlugin(25, "org.example.slow");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1");
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        PluginService<Supplier> awaited = only(calls.services(Supplier.class));
        CompletableFuture<Object> first = call(awaited, "notifier"); // the shorter deadline
        CompletableFuture<Object> second = call(awaited, "workflow");
        await(() -> calls.handover().held(plugin.bundle) == 2);
        PluginCallException full = assertThrows(PluginCallException.class,
                () -> calls.call(awaited, "workflow", "get", Supplier::get));
        assertTrue(full.getMessage().contains("2 calls already wait for its new version; call again once "
                + "'plugin:list' shows it ACTIVE"), full.getMessage());

        // the new version comes up without the service: a call's deadline ends the wait for it
        plugin.state = Bundle.ACTIVE;
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
        PluginCallException late = refusal(first);
        assertTrue(late.getMessage().contains("its new version did not offer org.example.Check within the notifier "
                + "deadline"), late.getMessage());
        PluginCallException other = refusal(second);
        assertTrue(other.getMessage().contains("no longer offers"), "the others hear of it at once: " + other);
        assertTrue(!calls.handover().changing(plugin.bundle));
    }

    @Test
    void aDeadlinePassingBeforeTheServiceRuntimeTookUpTheNewVersionEndsOnlyThatCallsWait() throws Exception {
        // ACTIVE and its STARTED heard here, but the service runtime (another listener of STARTED) has not taken up
        // the new version's components yet: the plugin is not at rest without the service
        mayStillRegister = true;
        FakePlugin plugin = new FakePlugin(33, "org.example.slowruntime");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1");
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        PluginService<Supplier> awaited = only(calls.services(Supplier.class));
        CompletableFuture<Object> first = call(awaited, "notifier"); // the shorter deadline
        CompletableFuture<Object> second = call(awaited, "workflow");
        await(() -> calls.handover().held(plugin.bundle) == 2);
        plugin.state = Bundle.ACTIVE;
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
        PluginCallException late = refusal(first);
        assertTrue(late.getMessage().contains("its new version, active, had not registered org.example.Check yet within "
                + "the notifier deadline"), late.getMessage());
        assertTrue(calls.handover().changing(plugin.bundle), "the wait for the service goes on for the other calls");
        register(plugin, "org.example.Check", () -> "v2");
        assertEquals("v2", second.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aServiceWhoseComponentWasRenamedIsFollowedToTheNewVersion() throws Exception {
        FakePlugin plugin = new FakePlugin(26, "org.example.renamed");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1");
        PluginService<Supplier> before = only(calls.services(Supplier.class));
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        CompletableFuture<Object> held = call(only(calls.services(Supplier.class)));
        await(() -> calls.handover().held(plugin.bundle) == 1);

        plugin.state = Bundle.STARTING;
        register(plugin, "org.example.CheckRenamed", () -> "v2, renamed");
        assertTrue(!held.isDone(), "not decided before the new version is active");
        plugin.state = Bundle.ACTIVE;
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
        assertEquals("v2, renamed", held.get(10, TimeUnit.SECONDS));
        assertEquals("v2, renamed", calls.call(before, "workflow", "get", Supplier::get), "the old name follows too");
        assertTrue(!calls.handover().changing(plugin.bundle));
        assertEquals("org.example.CheckRenamed", only(calls.services(Supplier.class)).key());
    }

    @Test
    void aRenameThatCannotBeToldIsNotGuessed() throws Exception {
        FakePlugin plugin = new FakePlugin(27, "org.example.twonew");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1");
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        CompletableFuture<Object> held = call(only(calls.services(Supplier.class)), "notifier");
        await(() -> calls.handover().held(plugin.bundle) == 1);
        register(plugin, "org.example.CheckA", () -> "A");
        register(plugin, "org.example.CheckB", () -> "B"); // two new services of its classes: which one is it?
        plugin.state = Bundle.ACTIVE;
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
        PluginCallException refused = refusal(held);
        assertTrue(refused.getMessage().contains("its new version did not offer org.example.Check within the notifier "
                + "deadline"), refused.getMessage());
    }

    @Test
    void aNewServiceWithOtherIdentifyingPropertiesIsNotTakenForTheRenamedOne() throws Exception {
        // v1 SmsNotifier (channel=sms), v2 EmailNotifier (channel=email): same classes, another service
        FakePlugin plugin = new FakePlugin(28, "org.example.notifier");
        FakeService v1 = register(plugin, "org.example.SmsNotifier", () -> "sms", Map.of("channel", "sms"));
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        CompletableFuture<Object> held = call(only(calls.services(Supplier.class)), "notifier");
        await(() -> calls.handover().held(plugin.bundle) == 1);
        register(plugin, "org.example.EmailNotifier", () -> "email", Map.of("channel", "email"));
        plugin.state = Bundle.ACTIVE;
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
        PluginCallException refused = refusal(held);
        assertTrue(refused.getMessage().contains("its new version did not offer org.example.SmsNotifier within the "
                + "notifier deadline"), refused.getMessage());
    }

    @Test
    void aRenameIsNoLongerFollowedOnceTheOldKeyRegistersAgain() throws Exception {
        // the real v2 component needs its configuration and comes up after STARTED; another one was taken for it
        FakePlugin plugin = new FakePlugin(29, "org.example.late");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1", Map.of("resource", "Patient"));
        PluginService<Supplier> before = only(calls.services(Supplier.class));
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(v1);
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        plugin.state = Bundle.STARTING;
        register(plugin, "org.example.Other", () -> "other", Map.of("resource", "Patient"));
        plugin.state = Bundle.ACTIVE;
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
        assertEquals("other", calls.call(before, "workflow", "get", Supplier::get), "taken for a rename at STARTED");
        register(plugin, "org.example.Check", () -> "v2, configured late", Map.of("resource", "Patient"));
        assertEquals("v2, configured late", calls.call(before, "workflow", "get", Supplier::get),
                "the old key is real again: no longer redirected");
    }

    @Test
    void aServiceTakenDownBetweenACallsLookAndItsObjectIsWaitedForNotRefused() throws Exception {
        // A call found v2's registration; before it got the object, a refresh took v2 down and started the plugin
        // again: ACTIVE, STARTED heard, but the service runtime has not registered the component yet.
        FakePlugin plugin = new FakePlugin(30, "org.example.refreshing");
        FakeService v2 = register(plugin, "org.example.Check", () -> "v2");
        PluginService<Supplier> service = only(calls.services(Supplier.class));
        beforeGetService = () -> refreshedUpToStarted(plugin, v2);
        CompletableFuture<Object> call = call(service);
        await(() -> calls.handover().held(plugin.bundle) == 1);
        register(plugin, "org.example.Check", () -> "v2 refreshed");
        assertEquals("v2 refreshed", call.get(10, TimeUnit.SECONDS));
        assertEquals(0, calls.stats().get(0).failures());
    }

    @Test
    void aServiceReplacedBetweenACallsLookAndItsObjectRunsOnTheNewRegistration() throws Exception {
        FakePlugin plugin = new FakePlugin(31, "org.example.replaced");
        FakeService v2 = register(plugin, "org.example.Check", () -> "v2");
        PluginService<Supplier> service = only(calls.services(Supplier.class));
        beforeGetService = () -> {
            refreshedUpToStarted(plugin, v2);
            register(plugin, "org.example.Check", () -> "v2 refreshed"); // the update is over before the call looks
        };
        assertEquals("v2 refreshed", calls.call(service, "workflow", "get", Supplier::get));
        assertTrue(!calls.handover().changing(plugin.bundle));
    }

    @Test
    void aServiceTakenDownForGoodBetweenACallsLookAndItsObjectIsRefusedAtOnce() throws Exception {
        FakePlugin plugin = new FakePlugin(32, "org.example.gonebetween");
        FakeService v1 = register(plugin, "org.example.Check", () -> "v1");
        PluginService<Supplier> service = only(calls.services(Supplier.class));
        beforeGetService = () -> {
            plugin.persistentlyStarted = false; // plugin:stop
            plugin.state = Bundle.STOPPING;
            calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
            unregister(v1);
            plugin.state = Bundle.RESOLVED;
            calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        };
        long started = System.nanoTime();
        PluginCallException refused = assertThrows(PluginCallException.class,
                () -> calls.call(service, "workflow", "get", Supplier::get));
        assertTrue(refused.getMessage().contains("no longer offers org.example.Check"), refused.getMessage());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "not held until its 30 s deadline");
    }

    /** A refresh of the plugin as far as its STARTED reaching this listener before the service runtime's. */
    private void refreshedUpToStarted(FakePlugin plugin, FakeService old) {
        plugin.state = Bundle.STOPPING;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin.bundle));
        unregister(old);
        plugin.state = Bundle.RESOLVED;
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin.bundle));
        plugin.state = Bundle.ACTIVE;
        calls.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin.bundle));
    }

    private CompletableFuture<Object> call(PluginService<Supplier> service) {
        return call(service, "workflow");
    }

    private CompletableFuture<Object> call(PluginService<Supplier> service, String kind) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return calls.call(service, kind, "get", Supplier::get);
            } catch (PluginCallException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static PluginCallException refusal(CompletableFuture<Object> call) throws Exception {
        try {
            call.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return (PluginCallException) e.getCause().getCause();
        }
        throw new AssertionError("the call was not refused");
    }

    private static PluginService<Supplier> only(List<PluginService<Supplier>> services) {
        assertEquals(1, services.size(), services.toString());
        return services.get(0);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < until, "not reached in 10 s");
            Thread.sleep(5);
        }
    }

    private FakeService register(FakePlugin plugin, String component, Supplier<String> object) {
        return register(plugin, component, object, Map.of());
    }

    private FakeService register(FakePlugin plugin, String component, Supplier<String> object,
            Map<String, Object> more) {
        FakeService service = new FakeService(plugin, component, object, more);
        registry.add(service);
        calls.handover().serviceChanged(new ServiceEvent(ServiceEvent.REGISTERED, service.reference));
        return service;
    }

    private void unregister(FakeService service) {
        calls.handover().serviceChanged(new ServiceEvent(ServiceEvent.UNREGISTERING, service.reference));
        registry.remove(service);
    }

    /** A plugin bundle whose state and persistent start the test sets. */
    private final class FakePlugin {
        final Bundle bundle;
        volatile int state = Bundle.ACTIVE;
        volatile boolean persistentlyStarted = true;

        FakePlugin(long id, String name) {
            BundleStartLevel level = (BundleStartLevel) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleStartLevel.class}, (proxy, method, arguments) ->
                            method.getName().equals("isPersistentlyStarted") ? persistentlyStarted : null);
            this.bundle = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                    (proxy, method, arguments) -> switch (method.getName()) {
                        case "getBundleId" -> id;
                        case "getSymbolicName" -> name;
                        case "getVersion" -> Version.emptyVersion;
                        case "getState" -> state;
                        case "adapt" -> arguments[0] == BundleStartLevel.class ? level : null;
                        case "getRegisteredServices" -> {
                            List<ServiceReference<?>> mine = new ArrayList<>();
                            registry.stream().filter(s -> s.plugin == this).forEach(s -> mine.add(s.reference));
                            yield mine.isEmpty() ? null : mine.toArray(new ServiceReference<?>[0]);
                        }
                        case "hashCode" -> (int) id;
                        case "equals" -> proxy == arguments[0];
                        case "toString" -> name;
                        default -> null;
                    });
        }
    }

    /** A registration: its bundle is null once it is unregistered. */
    private final class FakeService {
        final FakePlugin plugin;
        final long id = SERVICE_IDS.incrementAndGet();
        final Supplier<String> object;
        final ServiceReference<?> reference;

        FakeService(FakePlugin plugin, String component, Supplier<String> object, Map<String, Object> more) {
            this.plugin = plugin;
            this.object = object;
            Map<String, Object> properties = new Hashtable<>(Map.of(Constants.SERVICE_ID, id, "component.name",
                    component, "component.id", id, Constants.OBJECTCLASS, new String[] {Supplier.class.getName()}));
            properties.putAll(more);
            this.reference = (ServiceReference<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceReference.class}, (proxy, method, arguments) -> switch (method.getName()) {
                        case "getProperty" -> properties.get((String) arguments[0]);
                        case "getPropertyKeys" -> properties.keySet().toArray(new String[0]);
                        case "getBundle" -> registry.contains(this) ? plugin.bundle : null;
                        case "hashCode" -> (int) id;
                        case "equals" -> proxy == arguments[0];
                        case "toString" -> "service " + id;
                        default -> null;
                    });
        }
    }

    private BundleContext context() {
        Map<ServiceReference<?>, Object> objects = new ConcurrentHashMap<>();
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getAllServiceReferences" -> {
                        if (arguments[0] == null) {
                            yield registry.stream().map(s -> s.reference).toArray(ServiceReference<?>[]::new);
                        }
                        ServiceReference<?>[] found = registry.stream()
                                .filter(s -> Arrays.asList((String[]) s.reference.getProperty(Constants.OBJECTCLASS))
                                        .contains((String) arguments[0]))
                                .map(s -> s.reference).toArray(ServiceReference<?>[]::new);
                        yield found.length == 0 ? null : found;
                    }
                    case "getService" -> {
                        Runnable before = beforeGetService;
                        beforeGetService = null;
                        if (before != null) {
                            before.run();
                        }
                        yield registry.stream().filter(s -> s.reference == arguments[0]).map(s -> (Object) s.object)
                                .findFirst().orElse(null);
                    }
                    case "ungetService" -> true;
                    case "hashCode" -> 1;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
    }
}
