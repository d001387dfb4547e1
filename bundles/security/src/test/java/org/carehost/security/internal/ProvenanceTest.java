package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Proxy;

import org.carehost.security.ContainerBundles;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/**
 * What one security manager learnt of a plugin's work reaches the next: a class loader the plugin made keeps its
 * classes the plugin's, a thread it started stays its own; nothing is called on the plugin's objects on the way (a
 * loader and a thread whose hashCode, equals and toString throw).
 */
class ProvenanceTest {

    private final PluginScope scope = new PluginScope(new ContainerBundles("jar/org.carehost.store", null));
    private final Bundle plugin = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Bundle.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getBundleId": return 70L;
                    case "getLocation": return "file:deploy/x.jar";
                    case "getState": return Bundle.ACTIVE;
                    case "hashCode": return 70;
                    case "equals": return proxy == args[0];
                    default: return null;
                }
            });

    @Test
    void aPluginsLoaderAndThreadsAreHandedToTheNextSecurityManager() throws Exception {
        Causes before = new Causes(scope);
        HostileLoader loader = new HostileLoader();
        Class<?> defined = loader.define(Sample.class);
        HostileThread thread = new HostileThread();
        before.created(loader, plugin);
        before.started(thread, plugin, true);
        assertSame(plugin, before.pluginOf(defined));

        Causes forgetful = new Causes(scope);
        assertNull(forgetful.pluginOf(defined), "a security manager that was not told takes it for the class path's");
        assertFalse(forgetful.startedBy(thread, plugin));

        Causes after = new Causes(scope);
        after.provenance().adopt(before.provenance().record());
        assertSame(plugin, after.pluginOf(defined));
        assertTrue(after.startedBy(thread, plugin));
    }

    /** A class to define again in a plugin's own loader. */
    public static final class Sample {
    }

    /** A plugin's class loader whose identity methods throw: the hand-over must not call them. */
    private static final class HostileLoader extends ClassLoader {
        HostileLoader() {
            super(null);
        }

        Class<?> define(Class<?> type) throws Exception {
            try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
                byte[] bytes = in.readAllBytes();
                return defineClass(type.getName(), bytes, 0, bytes.length);
            }
        }

        @Override
        public int hashCode() {
            throw new IllegalStateException("plugin code ran: hashCode");
        }

        @Override
        public boolean equals(Object other) {
            throw new IllegalStateException("plugin code ran: equals");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("plugin code ran: toString");
        }
    }

    /** A plugin's thread whose identity methods throw. */
    private static final class HostileThread extends Thread {
        @Override
        public int hashCode() {
            throw new IllegalStateException("plugin code ran: hashCode");
        }

        @Override
        public boolean equals(Object other) {
            throw new IllegalStateException("plugin code ran: equals");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("plugin code ran: toString");
        }
    }
}
