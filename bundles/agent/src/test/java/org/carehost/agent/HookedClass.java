package org.carehost.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;

/**
 * A class as the agent hooks it, for the tests: its class file as the JVM would pass it, and the class itself
 * instrumented by {@link HookWriter}, its gate calls sent to a test's own gate class instead of
 * java.lang.CarehostGate, and defined in a class loader of its own, so that the JVM verifies what was written.
 */
final class HookedClass {

    private HookedClass() {
    }

    /** The class file of a class on the tests' class path (the JDK's included), by internal name. */
    static byte[] classFile(String internalName) throws IOException {
        try (InputStream in = HookedClass.class.getResourceAsStream("/" + internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    /** {@code type} with the given hooks, its gate calls made to {@code gate}'s static {@code check}. */
    static Class<?> load(Class<?> type, List<Hooks.Hook> hooks, List<Hooks.Call> calls, Class<?> gate)
            throws IOException, ClassNotFoundException {
        byte[] hooked = HookWriter.instrument(classFile(type.getName().replace('.', '/')), hooks, calls);
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(hooked).accept(new ClassRemapper(writer, new SimpleRemapper(Map.of(HookTransformer.GATE,
                gate.getName().replace('.', '/')))), 0);
        byte[] remapped = writer.toByteArray();
        ClassLoader loader = new ClassLoader(type.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(type.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> done = findLoadedClass(name);
                        return done != null ? done : defineClass(name, remapped, 0, remapped.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        return loader.loadClass(type.getName());
    }
}
