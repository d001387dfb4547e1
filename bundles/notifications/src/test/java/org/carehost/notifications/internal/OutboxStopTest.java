package org.carehost.notifications.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.crypto.PhiCipher;
import org.carehost.plugins.PluginCalls;
import org.carehost.store.Store;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * A delivery pass that fails as the outbox stops (its store going with the container) is not an error (one INFO
 * line); a pass that fails while the outbox runs is.
 */
class OutboxStopTest {

    /** What was logged, as "level: message". */
    private final List<String> logged = new CopyOnWriteArrayList<>();

    @Test
    void aPassUnderWayWhenTheOutboxStopsEndsWithoutAnError() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch gone = new CountDownLatch(1);
        Delivery delivery = delivery(store(() -> {
            reading.countDown();
            try {
                gone.await(); // the pass reads the due entries until the database goes, during the stop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SQLException("Database is already closed (the test's stop)", "90121");
        }));
        assertTrue(reading.await(10, TimeUnit.SECONDS), "a pass started");
        Thread stopper = new Thread(() -> {
            try {
                delivery.deactivate();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        // the outbox is stopping once its deactivation waits for the pass
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stopper.getState() != Thread.State.TIMED_WAITING && stopper.isAlive()) {
            assertTrue(System.nanoTime() < deadline, "the deactivation did not wait for the pass");
            Thread.onSpinWait();
        }
        gone.countDown();
        stopper.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(stopper.isAlive());
        assertEquals(List.of("info: Outbox: a delivery pass was cut short by the stop: {}"), logged);
    }

    @Test
    void aPassThatFailsWhileTheOutboxRunsIsAnError() throws Exception {
        Delivery delivery = delivery(store(() -> {
            throw new SQLException("Connection refused (the test's outage)", "08001");
        }));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (logged.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "nothing logged");
                Thread.onSpinWait();
            }
            assertEquals("error: Outbox: a delivery pass failed; the next pass tries again: {}", logged.get(0));
        } finally {
            delivery.deactivate();
        }
    }

    @Test
    void nothingIsDeliveredUntilTheFrameworkHasStartedThePlugins() throws Exception {
        AtomicInteger level = new AtomicInteger(1);
        AtomicInteger looks = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        Delivery delivery = delivery(framework(level, looks), store(reads::incrementAndGet));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (looks.get() < 3) { // three passes looked at the framework, a plugin at level 60 not started yet
                assertTrue(System.nanoTime() < deadline, "no pass looked at the framework's start");
                Thread.onSpinWait();
            }
            assertEquals(0, reads.get(), "the outbox was read before the plugins were started");
            level.set(60);
            while (reads.get() == 0) {
                assertTrue(System.nanoTime() < deadline, "the outbox was not read once the plugins were started");
                Thread.onSpinWait();
            }
        } finally {
            delivery.deactivate();
        }
    }

    /** A framework at start level {@code level}, with one plugin at level 60; {@code looks} counts its bundle lists. */
    private static BundleContext framework(AtomicInteger level, AtomicInteger looks) {
        FrameworkStartLevel frameworkLevel = answering(FrameworkStartLevel.class, "getStartLevel", level::get);
        BundleStartLevel pluginLevel = answering(BundleStartLevel.class, "getStartLevel", () -> 60);
        Bundle system = answering(Bundle.class, "adapt", () -> frameworkLevel);
        Bundle plugin = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, arguments) -> method.getName().equals("getBundleId") ? 7L
                        : method.getName().equals("adapt") ? pluginLevel : nothing(method));
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("getBundles")) {
                        looks.incrementAndGet();
                        return new Bundle[] {system, plugin};
                    }
                    return method.getName().equals("getBundle") ? system : nothing(method);
                });
    }

    private static <T> T answering(Class<T> type, String name, java.util.function.Supplier<Object> answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, arguments) -> method.getName().equals(name) ? answer.get() : nothing(method)));
    }

    interface Step {
        void run() throws SQLException;
    }

    private Delivery delivery(Store store) {
        return delivery(framework(new AtomicInteger(60), new AtomicInteger()), store); // started
    }

    private Delivery delivery(BundleContext context, Store store) {
        return new Delivery(context, store, stub(PhiCipher.class), stub(PluginCalls.class),
                new Notifiers(stub(PluginCalls.class), stub(org.carehost.context.Tenants.class),
                        new org.carehost.store.ServedNames(store, org.carehost.store.ServedNames.CHANNEL), name -> false,
                        logger()),
                stub(ContextBinder.class), stub(AuditLog.class), stub(EventAdmin.class), logger(), Clock.systemUTC());
    }

    /** A store that is not exclusive (no claims released at start), each connection running {@code step}. */
    private static Store store(Step step) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("connection")) {
                        step.run();
                        throw new SQLException("no database in this test");
                    }
                    if (method.getName().equals("dialect")) {
                        return Store.Dialect.H2;
                    }
                    return nothing(method);
                });
    }

    private Logger logger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, arguments) -> {
                    if (List.of("error", "warn", "info").contains(method.getName()) && arguments != null
                            && arguments[0] instanceof String message) {
                        logged.add(method.getName() + ": " + message);
                    }
                    return nothing(method);
                });
    }

    private static <T> T stub(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, arguments) -> nothing(method)));
    }

    private static Object nothing(Method method) {
        Class<?> type = method.getReturnType();
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class || type == long.class) {
            return type == int.class ? (Object) 0 : (Object) 0L;
        }
        return null;
    }
}
