package org.carehost.security.internal;

import java.nio.file.Path;
import java.util.function.Supplier;

import org.carehost.security.PluginDeputy;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;

/**
 * Work a container bundle does for a plugin ({@link PluginDeputy}): which plugin, if any, the current thread acts for.
 * The service is a {@link ServiceFactory}: each container bundle that asks gets a {@link Deputy} bound to it, a plugin
 * gets nothing (null, so {@code getService} answers null).
 *
 * <p>The rule {@link Causes} applies: while {@link Deputy#actFor} runs on a thread, a walk of that thread's stack
 * passes over the deputy bundle's own frames (they act for the plugin) and stops at the innermost {@code actFor} frame,
 * which makes the plugin it was given the cause. Any other frame met first decides as always: another container
 * bundle's (a logger, a host service, the store) is the container's, a plugin's is that plugin's. Each thread keeps a
 * stack of the plugins it acts for; the innermost {@code actFor} frame on the stack is always the top one (pushed as
 * the frame is entered, popped as it is left), so no depth needs noting.
 */
final class Deputies implements ServiceFactory<PluginDeputy> {

    /** What a thread acts for: a plugin, through a deputy bundle. */
    record Acting(Bundle plugin, long deputy) {
    }

    private final PluginScope scope;
    private final ContainerPaths paths;
    private final ThreadLocal<Stack> acting = ThreadLocal.withInitial(Stack::new);

    private final PluginCodeSeen pluginCode;

    Deputies(PluginScope scope, ContainerPaths paths, PluginCodeSeen pluginCode) {
        this.scope = scope;
        this.paths = paths;
        this.pluginCode = pluginCode;
    }

    /** What the current thread acts for now (the innermost {@code actFor}), or null: only then do walks look. */
    Acting here() {
        Stack stack = acting.get();
        return stack.size == 0 ? null : stack.items[stack.size - 1];
    }

    /** Whether a stack frame is a deputy's {@code actFor}: the walk stops there. */
    static boolean isMark(StackWalker.StackFrame frame) {
        return frame.getDeclaringClass() == Deputy.class && frame.getMethodName().equals("actFor");
    }

    @Override
    public PluginDeputy getService(Bundle bundle, ServiceRegistration<PluginDeputy> registration) {
        return scope.isPlugin(bundle) ? null : new Deputy(bundle.getBundleId());
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<PluginDeputy> registration, PluginDeputy service) {
        // nothing held
    }

    /** One thread's plugins, innermost last. */
    private static final class Stack {
        private Acting[] items = new Acting[2];
        private int size;

        void push(Acting now) {
            if (size == items.length) {
                items = java.util.Arrays.copyOf(items, size * 2);
            }
            items[size++] = now;
        }

        void pop() {
            items[--size] = null;
        }
    }

    /** One container bundle's deputy. */
    private final class Deputy implements PluginDeputy {
        private final long bundle;

        Deputy(long bundle) {
            this.bundle = bundle;
        }

        @Override
        public <T> T actFor(Bundle plugin, Supplier<T> work) {
            if (plugin == null || !scope.isPlugin(plugin)) {
                throw new IllegalArgumentException(plugin + " is not a plugin; a container bundle acts for itself");
            }
            pluginCode.markSeen(); // what the work makes and hands to other threads is the plugin's, walked there too
            Stack stack = acting.get();
            stack.push(new Acting(plugin, bundle));
            try {
                return work.get();
            } finally {
                stack.pop();
            }
        }

        @Override
        public Path folder(Bundle plugin) {
            if (plugin == null || !scope.isPlugin(plugin)) {
                throw new IllegalArgumentException(plugin + " is not a plugin, and has no plugin folder");
            }
            return paths.pluginFolder(String.valueOf(plugin.getSymbolicName()));
        }
    }
}
