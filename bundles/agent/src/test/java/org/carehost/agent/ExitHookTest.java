package org.carehost.agent;

import static org.carehost.agent.HookedClass.classFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An exit hook runs whatever way its method is left, like a finally: on a return, and on a throw, which goes on to the
 * caller unchanged. The class is instrumented as the agent does, its gate calls sent to {@link Gate} here, and loaded
 * in a class loader of its own, so that the JVM verifies its new handler and stack map frame.
 */
class ExitHookTest {

    /** What the instrumented code calls instead of java.lang.CarehostGate. */
    public static final class Gate {
        static final List<String> CALLS = new ArrayList<>();

        public static void check(String id, Object self, Object[] args) {
            CALLS.add(id);
        }
    }

    /** A task's run: it returns, or it throws (as a FutureTask whose done() throws does), after its own handler. */
    public static final class Task {
        public boolean fail;
        public int runs;

        public void run() {
            try {
                runs++;
                if (fail) {
                    throw new IllegalStateException("done() threw");
                }
            } catch (ArithmeticException notThis) {
                runs = -1; // the method's own handler, listed before the hook's, still catches first what it catches
            }
        }

        public long twice(long value, String unused) {
            if (value < 0) {
                throw new IllegalArgumentException("negative");
            }
            return value * 2;
        }
    }

    /** The hooks' ids start with the hooked class's name. */
    private static final String T = Task.class.getName();

    @BeforeEach
    void clear() {
        Gate.CALLS.clear();
    }

    @Test
    void theExitHookRunsOnAReturnAndOnAThrowWhichGoesOnUnchanged() throws Exception {
        Class<?> hooked = instrumented();
        Object task = hooked.getConstructor().newInstance();
        hooked.getMethod("run").invoke(task);
        assertEquals(List.of(T + ".run", T + ".runEnd"), Gate.CALLS);
        Gate.CALLS.clear();
        hooked.getField("fail").setBoolean(task, true);
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> hooked.getMethod("run").invoke(task));
        assertSame(IllegalStateException.class, thrown.getCause().getClass());
        assertEquals("done() threw", thrown.getCause().getMessage());
        assertEquals(List.of(T + ".run", T + ".runEnd"), Gate.CALLS);
        assertEquals(2, hooked.getField("runs").getInt(task));
    }

    @Test
    void aMethodWithWideParametersGetsAFrameTheJvmAccepts() throws Exception {
        Class<?> hooked = instrumented();
        Object task = hooked.getConstructor().newInstance();
        assertEquals(42L, hooked.getMethod("twice", long.class, String.class).invoke(task, 21L, "x"));
        assertThrows(InvocationTargetException.class,
                () -> hooked.getMethod("twice", long.class, String.class).invoke(task, -1L, "x"));
        assertEquals(List.of(T + ".twiceEnd", T + ".twiceEnd"), Gate.CALLS);
    }

    @Test
    void anExitHookInAConstructorIsRefused() throws IOException {
        String owner = Task.class.getName().replace('.', '/');
        List<Hooks.Hook> hooks = List.of(new Hooks.Hook(owner, "<init>", null, Hooks.Self.NONE, null, null, true));
        assertThrows(IllegalStateException.class, () -> HookWriter.instrument(classFile(owner), hooks, List.of()));
    }

    private static Class<?> instrumented() throws IOException, ClassNotFoundException {
        String owner = Task.class.getName().replace('.', '/');
        List<Hooks.Hook> hooks = List.of(new Hooks.Hook(owner, "run", null, Hooks.Self.THIS, null, null, false),
                new Hooks.Hook(owner, "run", null, Hooks.Self.THIS, null, null, true),
                new Hooks.Hook(owner, "twice", null, Hooks.Self.NONE, null, null, true));
        return HookedClass.load(Task.class, hooks, List.of(), Gate.class);
    }
}
