package org.carehost.plugins.internal.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCallException.Reason;
import org.carehost.plugins.PluginCallStats;
import org.carehost.plugins.PluginFailure;
import org.carehost.security.PluginLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;

class PluginCallsImplTest {

    private final List<String> quarantined = new CopyOnWriteArrayList<>();
    private final PluginLimits limits = new PluginLimits() {
        @Override
        public Duration deadline(Bundle plugin, String kind) {
            // short only where the test wants overruns: a loaded machine may take long to start a pool thread
            return kind.equals("validator") ? Duration.ofMillis(100) : Duration.ofSeconds(30);
        }

        @Override
        public long overrunsBeforeQuarantine(Bundle plugin) {
            return 2;
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
            quarantined.add(because);
        }

        @Override
        public Optional<String> quarantined(Bundle plugin) {
            return quarantined.isEmpty() ? Optional.empty() : Optional.of("quarantined: " + quarantined.get(0));
        }
    };
    private final PluginCallsImpl calls = new PluginCallsImpl(limits);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        calls.deactivate();
    }

    private static Bundle plugin(long id, String name) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> name;
                    case "hashCode" -> (int) id;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
    }

    /**
     * What a plugin throws is described on the call's thread: an exception whose toString never returns (ignoring
     * interrupts) overruns the deadline there, and the caller is answered at the deadline, never held by it.
     */
    @Test
    void aPluginsExceptionTextIsReadInTheCallNeverOnTheCallersThread() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        RuntimeException sly = new RuntimeException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String toString() {
                asked.countDown();
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        // as a plugin may: interruption ignored
                    }
                }
                return "late";
            }
        };
        PluginCallException cut = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                PluginCallException.class, () -> calls.call(plugin(9, "org.example.sly"), "validator", "test", () -> {
                    throw sly;
                })));
        assertEquals(Reason.TIMED_OUT, cut.reason());
        assertTrue(asked.await(10, java.util.concurrent.TimeUnit.SECONDS),
                "its text was asked for on the call's thread");
        PluginCallException plain = assertThrows(PluginCallException.class,
                () -> calls.call(plugin(10, "org.example.v"), "adapter", "test", () -> {
                    throw new IllegalStateException("broken");
                }));
        assertEquals("org.example.v failed (test): java.lang.IllegalStateException: broken", plain.getMessage());
        assertEquals("java.lang.IllegalStateException: broken", String.valueOf(plain.getCause()),
                "getCause() describes what the plugin threw");
    }

    /**
     * What crosses back to the container is its own description of what the plugin threw, never the plugin's object:
     * logging or printing it on the caller's thread runs none of the plugin's overrides (before, getCause() was the
     * plugin's exception, and printStackTrace ran its toString and getStackTrace there).
     */
    @Test
    void whatThePluginThrewIsDescribedOnTheCallsThreadAndNeverHandedBack() throws Exception {
        List<String> ranOn = new CopyOnWriteArrayList<>();
        class Sly extends RuntimeException {
            Sly() {
                super("sly", new IllegalArgumentException("root"));
            }

            @Override
            public String getMessage() {
                ranOn.add("getMessage " + Thread.currentThread().getName());
                return "the plugin's message";
            }

            @Override
            public String toString() {
                ranOn.add("toString " + Thread.currentThread().getName());
                return "Sly: the plugin's text";
            }

            @Override
            public StackTraceElement[] getStackTrace() {
                ranOn.add("getStackTrace " + Thread.currentThread().getName());
                return new StackTraceElement[] {new StackTraceElement("com.vendor.Labs", "check", "Labs.java", 42),
                    new StackTraceElement("x".repeat(100_000), "y".repeat(100_000), "z".repeat(100_000), 1)};
            }

            @Override
            public void printStackTrace(java.io.PrintWriter writer) {
                ranOn.add("printStackTrace " + Thread.currentThread().getName());
            }
        }
        Sly sly = new Sly();
        PluginCallException threw = assertThrows(PluginCallException.class,
                () -> calls.call(plugin(11, "org.example.sly"), "validator", "test", () -> {
                    throw sly;
                }));
        assertEquals(Reason.THREW, threw.reason());
        assertEquals("org.example.sly failed (test): Sly: the plugin's text", threw.getMessage());
        String caller = Thread.currentThread().getName();
        assertTrue(ranOn.size() >= 3 && ranOn.stream().noneMatch(call -> call.endsWith(" " + caller)),
                "read on the call's thread: " + ranOn);
        int readThere = ranOn.size();

        assertTrue(threw.getCause() instanceof PluginFailure, "not the plugin's object: " + threw.getCause().getClass());
        PluginFailure failure = (PluginFailure) threw.getCause();
        assertEquals(Sly.class.getName(), failure.className());
        assertEquals("the plugin's message", failure.getMessage());
        assertEquals(Sly.class.getName() + ": the plugin's message", failure.toString());
        assertEquals("com.vendor.Labs", failure.getStackTrace()[0].getClassName());
        StackTraceElement long_ = failure.getStackTrace()[1];
        assertTrue(long_.getClassName().length() < 300 && long_.getMethodName().length() < 300
                && long_.getFileName().length() < 300, "a frame's names are cut: " + long_.getClassName().length());
        assertEquals("java.lang.IllegalArgumentException: root", String.valueOf(failure.getCause()));
        java.io.StringWriter printed = new java.io.StringWriter();
        threw.printStackTrace(new java.io.PrintWriter(printed)); // as a logger does, on a container thread
        assertTrue(printed.toString().contains("Caused by: " + Sly.class.getName() + ": the plugin's message")
                && printed.toString().contains("at com.vendor.Labs.check(Labs.java:42)"), printed.toString());
        assertEquals(readThere, ranOn.size(), "no plugin code ran on the caller's thread: " + ranOn);
    }

    @Test
    void resultsFailuresAndCountersPerPlugin() throws Exception {
        Bundle plugin = plugin(7, "org.example.v");
        assertEquals("ok", calls.call(plugin, "adapter", "test", () -> "ok"));
        PluginCallException threw = assertThrows(PluginCallException.class,
                () -> calls.call(plugin, "adapter", "test", () -> {
                    throw new IllegalStateException("broken");
                }));
        assertEquals(Reason.THREW, threw.reason());
        assertEquals("java.lang.IllegalStateException", ((PluginFailure) threw.getCause()).className());
        PluginCallStats stats = calls.stats().get(0);
        assertEquals(2, stats.calls());
        assertEquals(1, stats.failures());
        assertEquals(0, stats.timeouts());
        // a pool thread counts its call as ended just after the caller has the result
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (calls.stats().get(0).running() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, calls.stats().get(0).running());
    }

    @Test
    void anOverrunIsCutAtTheDeadlineAndRepeatedOverrunsQuarantine() throws Exception {
        Bundle plugin = plugin(8, "org.example.stuck");
        for (int i = 1; i <= 2; i++) {
            PluginCallException overran = assertThrows(PluginCallException.class,
                    () -> calls.call(plugin, "validator", "test", () -> {
                        release.await(); // stuck until the test ends, ignoring nothing but the latch
                        return "late";
                    }));
            assertEquals(Reason.TIMED_OUT, overran.reason());
        }
        assertEquals(1, quarantined.size());
        assertTrue(quarantined.get(0).contains("overran its validator deadline of 100 ms 2 times in a row"));
        PluginCallException refused = assertThrows(PluginCallException.class,
                () -> calls.call(plugin, "validator", "test", () -> "never called"));
        assertEquals(Reason.REFUSED, refused.reason());
        PluginCallStats stats = calls.stats().get(0);
        assertEquals(2, stats.timeouts());
        assertEquals(3, stats.failures());
    }

    @Test
    void aFloodOfEventCallsDoesNotStarveThePluginsOtherCalls() throws Exception {
        Bundle plugin = plugin(12, "org.example.flooded");
        CountDownLatch entered = new CountDownLatch(PluginCallsImpl.MAX_EVENTS_RUNNING_PER_PLUGIN);
        List<CompletableFuture<Object>> handlers = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(
                PluginCallsImpl.MAX_EVENTS_RUNNING_PER_PLUGIN);
        for (int i = 0; i < PluginCallsImpl.MAX_EVENTS_RUNNING_PER_PLUGIN; i++) {
            handlers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return calls.call(plugin, "event", "EventHandler.handleEvent", () -> {
                        entered.countDown();
                        release.await(); // a slow handler
                        return null;
                    });
                } catch (PluginCallException e) {
                    throw new IllegalStateException(e);
                }
            }, senders));
        }
        assertTrue(entered.await(30, java.util.concurrent.TimeUnit.SECONDS), "every handler call is running");
        PluginCallException full = assertThrows(PluginCallException.class,
                () -> calls.call(plugin, "event", "EventHandler.handleEvent", () -> "one too many"));
        assertEquals(Reason.REFUSED, full.reason());
        assertTrue(full.getMessage().contains(PluginCallsImpl.MAX_EVENTS_RUNNING_PER_PLUGIN + " of its event calls are "
                + "still running"), full.getMessage());
        assertEquals("valid", calls.call(plugin, "workflow", "Validator.validate", () -> "valid"),
                "the plugin's other calls are not refused for its event calls");
        release.countDown();
        for (CompletableFuture<Object> handler : handlers) {
            handler.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        senders.shutdown();
    }

    @Test
    void aStoppingPluginWaitsForItsCallsInFlightAndRefusesNewOnes() throws Exception {
        Bundle plugin = plugin(11, "org.example.drained");
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return calls.call(plugin, "workflow", "test", () -> {
                    entered.countDown();
                    release.await();
                    return "finished on the old code";
                });
            } catch (PluginCallException e) {
                throw new IllegalStateException(e);
            }
        });
        entered.await();
        CompletableFuture<Void> stop = CompletableFuture.runAsync(
                () -> calls.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin)));
        while (!calls.draining(plugin)) {
            Thread.onSpinWait(); // the drain marks the plugin before it waits
        }
        PluginCallException refused = assertThrows(PluginCallException.class,
                () -> calls.call(plugin, "workflow", "test", () -> "new"));
        assertEquals(Reason.REFUSED, refused.reason());
        assertTrue(refused.getMessage().contains("being stopped or updated"), refused.getMessage());
        assertTrue(!stop.isDone(), "the stop waits while a call is in flight");

        release.countDown();
        assertEquals("finished on the old code", inFlight.get());
        stop.get(); // the call's end lets the stop go on
        calls.bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin));
        assertTrue(!calls.draining(plugin));
        assertEquals("again", calls.call(plugin, "workflow", "test", () -> "again"));
    }
}
