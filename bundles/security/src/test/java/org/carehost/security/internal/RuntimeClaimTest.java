package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

/** A claim of the agent's gate that fails while the agent runs is kept as a failure: admission then refuses plugins. */
class RuntimeClaimTest {

    private final List<String> errors = new ArrayList<>();
    private final RuntimeEnforcement enforcement = new RuntimeEnforcement(new Causes(new PluginScope(context())),
            null, null, null, logger());

    @Test
    void aRefusedClaimIsAFailureThatClosesAdmission() {
        assertFalse(enforcement.claim(RefusingGate.class));
        assertEquals("java.lang.IllegalStateException: the checker in place refuses this claim", enforcement.failure());
        assertFalse(enforcement.active());
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("no plugin may resolve"), errors.get(0));
    }

    @Test
    void aGateWithoutTheClaimMethodIsAFailureToo() {
        assertFalse(enforcement.claim(String.class)); // an agent of another version
        assertTrue(enforcement.failure().startsWith("java.lang.NoSuchMethodException"), enforcement.failure());
    }

    @Test
    void anAcceptedClaimPutsTheCheckerInPlace() {
        AcceptingGate.claimed = null;
        assertTrue(enforcement.claim(AcceptingGate.class));
        assertSame(enforcement, AcceptingGate.claimed);
        assertNull(enforcement.failure());
        assertTrue(enforcement.active());
        assertTrue(errors.isEmpty(), errors.toString());
    }

    /** Stands for the agent's gate when the checker in place refuses the claim. */
    public static final class RefusingGate {
        public static void claim(BiConsumer<String, Object[]> next) {
            throw new IllegalStateException("the checker in place refuses this claim");
        }
    }

    /** Stands for the agent's gate when the claim is accepted. */
    public static final class AcceptingGate {
        static volatile Object claimed;

        public static void claim(BiConsumer<String, Object[]> next) {
            claimed = next;
        }
    }

    private static BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(RuntimeClaimTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> null);
    }

    private Logger logger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("error") && args != null && args[0] instanceof String) {
                        errors.add((String) args[0]);
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }
}
