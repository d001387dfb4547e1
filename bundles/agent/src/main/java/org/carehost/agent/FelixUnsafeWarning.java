package org.carehost.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;

/**
 * Keeps JDK 24 and later from printing their four-line warning about {@code sun.misc.Unsafe} at every start of the
 * container: Felix's framework (7.0.5, the newest) calls {@code Unsafe.staticFieldOffset} in {@code SecureAction}'s
 * static initialiser, before any of Carehost's code but this agent runs, and an operator can do nothing about it. The
 * JDK warns once per process and remembers that it did in {@code sun.misc.Unsafe.memoryAccessWarned}; this marks it
 * warned, which is all it changes: the JDK's mode (warn, by default) is untouched, so {@code
 * --sun-misc-unsafe-memory-access=debug} or {@code deny} on the command line still act. Only {@code java -jar
 * carehost.jar} does this ({@code agentmain}); a test's {@code -javaagent} run keeps the warning. Plugins cannot use
 * {@code Unsafe} at all (the security manager refuses it), so no plugin's use goes unreported. On JDK 17 to 23, which
 * have no such field, nothing is done.
 */
final class FelixUnsafeWarning {

    private FelixUnsafeWarning() {
    }

    static void markWarned(Instrumentation instrumentation) {
        try {
            Class<?> unsafe = Class.forName("sun.misc.Unsafe", false, null);
            Field warned = unsafe.getDeclaredField("memoryAccessWarned");
            if (warned.getType() != boolean.class || !Modifier.isStatic(warned.getModifiers())
                    || Modifier.isFinal(warned.getModifiers())) {
                return;
            }
            instrumentation.redefineModule(unsafe.getModule(), Set.of(), Map.of(),
                    Map.of("sun.misc", Set.of(FelixUnsafeWarning.class.getModule())), Set.of(), Map.of());
            warned.setAccessible(true);
            warned.setBoolean(null, true);
        } catch (ReflectiveOperationException | RuntimeException notThisJdk) {
            // JDK 17 to 23 (no such field), or a JDK that keeps it otherwise: the warning is printed, nothing else
        }
    }
}
