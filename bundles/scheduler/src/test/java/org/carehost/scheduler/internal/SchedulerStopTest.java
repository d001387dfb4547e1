package org.carehost.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.crypto.PhiCipher;
import org.carehost.plugins.PluginCalls;
import org.carehost.security.PluginLimits;
import org.carehost.store.Store;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * A pass over the due jobs that the scheduler's stop cuts short is not an error (one INFO line); a pass that fails
 * while the scheduler runs is.
 */
class SchedulerStopTest {

    /** What was logged, as "level: message". */
    private final List<String> logged = new CopyOnWriteArrayList<>();

    @Test
    void aPassUnderWayWhenTheSchedulerStopsEndsWithoutAnError() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        Store store = store(() -> {
            reading.countDown();
            try {
                new CountDownLatch(1).await(); // the pass reads the due jobs until the stop interrupts it
            } catch (InterruptedException e) {
                throw new SQLException("Interrupted during connection acquisition (the test's stop)");
            }
        });
        SchedulerEngine engine = engine(store);
        assertTrue(reading.await(10, TimeUnit.SECONDS), "a pass started");
        engine.deactivate();
        assertEquals(List.of(), logged.stream().filter(line -> line.startsWith("error")).toList());
        assertEquals(List.of("info: Scheduler: a pass over the due jobs was cut short by the stop: {}"), logged);
    }

    @Test
    void aPassThatFailsWhileTheSchedulerRunsIsAnError() throws Exception {
        SchedulerEngine engine = engine(store(() -> {
            throw new SQLException("Connection refused (the test's outage)", "08001");
        }));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (logged.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "nothing logged");
                Thread.onSpinWait();
            }
            assertEquals("error: Scheduler: a pass over the due jobs failed; the next pass tries again: {}",
                    logged.get(0));
        } finally {
            engine.deactivate();
        }
    }

    interface Step {
        void run() throws SQLException;
    }

    private SchedulerEngine engine(Store store) {
        return new SchedulerEngine(stub(BundleContext.class), store, stub(PhiCipher.class), stub(PluginCalls.class),
                stub(PluginLimits.class), stub(ContextBinder.class), stub(Tenants.class), stub(AuditLog.class),
                stub(EventAdmin.class), logger(), Clock.systemUTC());
    }

    /** A store that is not exclusive (no claims released at start), each connection running {@code step}, then none. */
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
