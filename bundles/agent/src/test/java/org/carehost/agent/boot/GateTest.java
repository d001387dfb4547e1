package org.carehost.agent.boot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;

/**
 * The gate accepts a checker only once the agent's hooks are placed: a claim made while they are being placed waits,
 * and once placed it goes on. One test, in order: the gate's state is the class's own (as in the JVM).
 */
class GateTest {

    @Test
    void aClaimWaitsForTheHooksAndThenGoesOn() throws Exception {
        Gate.placing();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        BiConsumer<String, Object[]> checker = (hook, call) -> { };
        Thread claimer = new Thread(() -> {
            try {
                Gate.claim(checker);
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "claimer");
        claimer.start();
        while (claimer.getState() != Thread.State.WAITING) { // waiting on the gate (wait() inside claim), not a timer
            assertTrue(claimer.isAlive(), "the claim ended before the hooks were placed: " + failed.get());
            Thread.onSpinWait();
        }
        assertFalse(Gate.claimed(), "claimed while the hooks were still being placed");

        Gate.placed(null);
        claimer.join();
        assertTrue(Gate.claimed(), "not claimed once the hooks were placed: " + failed.get());

        // once a checker holds the gate, nobody can make claims wait (nor fail) any more
        Gate.placing();
        Gate.placed("anything");
        BiConsumer<String, Object[]> next = (hook, call) -> { };
        Gate.claim(next); // the checker in place consents (it refuses nothing here)
        assertTrue(Gate.claimed());
    }

    @Test
    void aClaimAfterTheHooksFailedIsRefused() throws Exception {
        // in a fresh gate's state only: run in its own class loader so the first test's claim does not interfere
        ClassLoader isolated = new ClassLoader(GateTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(Gate.class.getName())) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded != null) {
                        return loaded;
                    }
                    try (java.io.InputStream in = GateTest.class.getResourceAsStream("Gate.class")) {
                        byte[] bytes = in.readAllBytes();
                        return defineClass(name, bytes, 0, bytes.length);
                    } catch (java.io.IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
            }
        };
        Class<?> gate = isolated.loadClass(Gate.class.getName());
        java.lang.reflect.Method placing = gate.getDeclaredMethod("placing");
        java.lang.reflect.Method placed = gate.getDeclaredMethod("placed", String.class);
        placing.setAccessible(true);
        placed.setAccessible(true);
        placing.invoke(null);
        placed.invoke(null, "java/lang/Thread: broken");
        java.lang.reflect.Method claim = gate.getMethod("claim", BiConsumer.class);
        BiConsumer<String, Object[]> checker = (hook, call) -> { };
        java.lang.reflect.InvocationTargetException refused = assertThrows(
                java.lang.reflect.InvocationTargetException.class, () -> claim.invoke(null, checker));
        assertTrue(refused.getCause() instanceof IllegalStateException
                && refused.getCause().getMessage().contains("java/lang/Thread: broken"), String.valueOf(refused.getCause()));
        assertFalse((Boolean) gate.getMethod("claimed").invoke(null));
    }
}
