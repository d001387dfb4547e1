package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.carehost.security.ContainerBundles;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.service.log.Logger;

/**
 * Across a restart of the security manager: the refusals its checker kept in lockdown and its record of plugins' work
 * reach the checker that claims the gate, as that one claims and only then; a record that cannot be taken over fails
 * the claim before any refusal is audited.
 */
class LockdownTest {

    private final PluginScope scope = new PluginScope(new ContainerBundles("jar/org.carehost.store", null));
    private final Bundle plugin = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Bundle.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getBundleId": return 70L;
                    case "getSymbolicName": return "x";
                    case "getVersion": return new Version(1, 2, 0);
                    case "getLocation": return "file:deploy/x.jar";
                    case "getState": return Bundle.ACTIVE;
                    case "hashCode": return 70;
                    case "equals": return proxy == args[0];
                    default: return null;
                }
            });
    private final List<String> audited = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    @Test
    void theRefusalsKeptInLockdownAndTheRecordReachTheNextChecker() throws Exception {
        Causes before = new Causes(scope);
        PluginLoader loader = new PluginLoader();
        Class<?> defined = loader.define(Sample.class);
        before.created(loader, plugin);
        Lockdown stopped = new Lockdown(before.provenance(), reporter(), logger());
        stopped.begin();
        assertTrue(stopped.on());
        for (int i = 0; i < Lockdown.KEPT + 2; i++) {
            stopped.keep(plugin, "read /etc/x " + i + ", while the security manager is stopped");
        }

        Causes after = new Causes(scope);
        RuntimeEnforcement next = new RuntimeEnforcement(after, null, null, reporter(), logger());
        HandingGate.inPlace = stopped;
        assertTrue(next.claim(HandingGate.class));
        assertNull(next.failure());

        assertEquals(Lockdown.KEPT + 1, audited.size());
        assertEquals("x 1.2.0 read /etc/x 0, while the security manager is stopped", audited.get(0));
        assertEquals("container  2 more refusals while the security manager was stopped, beyond the 1000 kept",
                audited.get(Lockdown.KEPT));
        assertSame(plugin, after.pluginOf(defined), "the plugin's loader is still its own after the restart");
        assertTrue(next.active());

        audited.clear(); // handed over once: a later claim gets none of them again
        assertTrue(new RuntimeEnforcement(new Causes(scope), null, null, reporter(), logger()).claim(HandingGate.class));
        assertTrue(audited.isEmpty(), audited.size() + " audited again");

        warnings.clear();
        next.close();
        assertFalse(next.active(), "a checker in lockdown is no longer active");
        assertTrue(warnings.size() == 1 && warnings.get(0).contains("locked down"), warnings.toString());
    }

    @Test
    void aReportIsTakenOnlyWhileClaiming() {
        RuntimeEnforcement checker = new RuntimeEnforcement(new Causes(scope), null, null, reporter(), logger());
        assertThrows(IllegalStateException.class,
                () -> checker.accept(new Object[] {new String[] {"x", "1.2.0", "made up"}, 0}));
        assertTrue(audited.isEmpty(), audited.toString());
    }

    @Test
    void aRecordThatCannotBeTakenOverFailsTheClaimBeforeAnyRefusalIsAudited() {
        RuntimeEnforcement next = new RuntimeEnforcement(new Causes(scope), null, null, reporter(), logger());
        assertFalse(next.claim(UnreadableRecordGate.class));
        assertEquals("java.lang.IllegalStateException: unreadable", next.failure());
        assertFalse(next.active());
        assertTrue(audited.isEmpty(), audited.toString());
    }

    @Test
    void refusalsHandedToAClaimThatFailedAreHandedToTheNextClaim() {
        Lockdown stopped = new Lockdown(new Causes(scope).provenance(), reporter(), logger());
        stopped.begin();
        stopped.keep(plugin, "read /etc/x, while the security manager is stopped");
        Consumer<Object[]> failing = report -> {
            throw new IllegalStateException("this checker could not take the record over");
        };
        assertThrows(IllegalStateException.class, () -> stopped.handOver(failing));
        stopped.keep(plugin, "read /etc/y, while the security manager is stopped"); // made after the failed claim

        HandingGate.inPlace = stopped;
        assertTrue(new RuntimeEnforcement(new Causes(scope), null, null, reporter(), logger()).claim(HandingGate.class));
        assertEquals(List.of("x 1.2.0 read /etc/x, while the security manager is stopped",
                "x 1.2.0 read /etc/y, while the security manager is stopped"), audited);
    }

    /** Stands for the agent's gate: the checker in place is asked to consent, and hands its report over. */
    public static final class HandingGate {
        static volatile Lockdown inPlace;

        public static void claim(BiConsumer<String, Object[]> next) {
            inPlace.handOver(next);
        }
    }

    /** Stands for the gate with a checker in place whose record throws as it is read. */
    public static final class UnreadableRecordGate {
        @SuppressWarnings("unchecked")
        public static void claim(BiConsumer<String, Object[]> next) {
            ((Consumer<Object[]>) next).accept(new Object[] {new HashMap<String, Object>() {
                @Override
                public Object get(Object key) {
                    throw new IllegalStateException("unreadable");
                }
            }, new String[] {"x", "1.2.0", "read /etc/x, while the security manager is stopped"}, 0});
        }
    }

    /** A class to define again in a plugin's own loader. */
    public static final class Sample {
    }

    /** A class loader a plugin made. */
    private static final class PluginLoader extends ClassLoader {
        PluginLoader() {
            super(null);
        }

        Class<?> define(Class<?> type) throws Exception {
            try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
                byte[] bytes = in.readAllBytes();
                return defineClass(type.getName(), bytes, 0, bytes.length);
            }
        }
    }

    private RuntimeReporter reporter() {
        return new RuntimeReporter() {
            @Override
            public void denied(Bundle plugin, String permission, String reason) {
                throw new AssertionError("a refusal is audited only as it is handed over");
            }

            @Override
            public void quarantine(Bundle plugin, String reason) {
                throw new AssertionError("nothing is quarantined in the hand-over");
            }

            @Override
            public void deniedInLockdown(String plugin, String version, String reason) {
                audited.add(plugin + " " + version + " " + reason);
            }

            @Override
            public void deniedUnidentified(String reason) {
                throw new AssertionError("no unidentified refusal in the hand-over");
            }
        };
    }

    private Logger logger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn") && args != null && args[0] instanceof String) {
                        warnings.add((String) args[0]);
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }
}
