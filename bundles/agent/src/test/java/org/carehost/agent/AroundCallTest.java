package org.carehost.agent;

import static org.carehost.agent.HookedClass.classFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hook around a call (as Felix's calls of a listener are hooked): the gate is called just before the call and just
 * after it, whether it returned or threw (which goes on unchanged), and not at all where the method does not make the
 * call (a listener whose filter did not match). The class is instrumented as the agent does, its gate calls sent to
 * {@link Gate} here, and loaded in a class loader of its own, so that the JVM verifies the new handler and frame.
 */
class AroundCallTest {

    /** What the instrumented code calls instead of java.lang.CarehostGate. */
    public static final class Gate {
        static final List<String> CALLS = new ArrayList<>();

        public static void check(String id, Object self, Object[] args) {
            CALLS.add(id);
        }
    }

    /** The listener the dispatcher calls. */
    public interface Listener {
        void changed(String event);
    }

    /** Shaped as Felix's dispatch: the call made in one of two branches, or not at all, with locals of its own. */
    public static final class Dispatcher {
        public static void deliver(Listener listener, String filter, String event, long when) {
            boolean matched = filter == null || event.startsWith(filter);
            if (!matched) {
                return;
            }
            if (when > 0) {
                String stamped = event + "@" + when;
                listener.changed(stamped);
            } else {
                listener.changed(event);
            }
        }

        public static void guarded(Listener listener) {
            try {
                listener.changed("inside");
            } catch (RuntimeException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final String OWNER = Dispatcher.class.getName().replace('.', '/');
    private static final String LISTENER = Listener.class.getName().replace('.', '/');
    private static final String ID = "test.deliver";

    @BeforeEach
    void clear() {
        Gate.CALLS.clear();
    }

    @Test
    void theGateIsCalledAroundTheCallOnlyWhereItIsMadeAndTheCallsExceptionGoesOnUnchanged() throws Exception {
        Method deliver = instrumented().getMethod("deliver", Listener.class, String.class, String.class, long.class);
        List<String> seen = new ArrayList<>();
        Listener recording = event -> {
            seen.add(event);
            Gate.CALLS.add("listener");
        };
        deliver.invoke(null, recording, "a", "abc", 0L);
        deliver.invoke(null, recording, "a", "abc", 7L);
        assertEquals(List.of("abc", "abc@7"), seen);
        assertEquals(List.of(ID, "listener", ID + "End", ID, "listener", ID + "End"), Gate.CALLS);

        Gate.CALLS.clear();
        deliver.invoke(null, recording, "x", "abc", 0L); // the filter did not match: no call, no boundary
        assertEquals(List.of(), Gate.CALLS);

        Listener failing = event -> {
            throw new UnsupportedOperationException("listener failed on " + event);
        };
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> deliver.invoke(null, failing, null, "abc", 3L));
        assertSame(UnsupportedOperationException.class, thrown.getCause().getClass());
        assertEquals("listener failed on abc@3", thrown.getCause().getMessage());
        assertEquals(List.of(ID, ID + "End"), Gate.CALLS);
    }

    @Test
    void aCallInsideTheMethodsOwnTryBlockIsRefusedSinceItsEndCouldBeMissed() throws IOException {
        List<Hooks.Call> around = List.of(new Hooks.Call(OWNER, "guarded", LISTENER, "changed",
                "(Ljava/lang/String;)V", ID, Hooks.Pass.AROUND));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> HookWriter.instrument(classFile(OWNER), List.of(), around));
        assertTrue(refused.getMessage().contains("inside the method's own try block"), refused.getMessage());
    }

    @Test
    void anExitHookAndAHookAroundACallInOneMethodAreRefused() throws IOException {
        List<Hooks.Hook> exit = List.of(new Hooks.Hook(OWNER, "deliver", null, Hooks.Self.NONE, null, null, true));
        List<Hooks.Call> around = List.of(new Hooks.Call(OWNER, "deliver", LISTENER, "changed",
                "(Ljava/lang/String;)V", ID, Hooks.Pass.AROUND));
        assertThrows(IllegalStateException.class, () -> HookWriter.instrument(classFile(OWNER), exit, around));
    }

    @Test
    void felixsListenerCallsAreHookedAroundTheCallAndNamedForTheGate() {
        Hooks hooks = new Hooks();
        List<Hooks.Call> calls = hooks.callsIn("org/apache/felix/framework/EventDispatcher");
        assertEquals(3, calls.size());
        assertTrue(calls.stream().allMatch(call -> call.pass() == Hooks.Pass.AROUND), calls.toString());
        // and the whole sending of an event (where the filters are matched), at its entry and ends, in another method
        assertEquals(List.of("fireEventImmediately", "fireEventImmediately"),
                hooks.in("org/apache/felix/framework/EventDispatcher").stream().map(Hooks.Hook::method).toList());
        List<String> callers = List.of(hooks.callers());
        for (Hooks.Call call : calls) {
            int at = callers.indexOf(call.endId());
            assertTrue(at >= 0 && callers.get(at + 1).equals("org.apache.felix.framework.EventDispatcher"),
                    call.endId());
            assertTrue(hooks.ids().contains(call.endId()), call.endId());
        }
    }

    private static Class<?> instrumented() throws IOException, ClassNotFoundException {
        List<Hooks.Call> around = List.of(new Hooks.Call(OWNER, "deliver", LISTENER, "changed",
                "(Ljava/lang/String;)V", ID, Hooks.Pass.AROUND));
        return HookedClass.load(Dispatcher.class, List.of(), around, Gate.class);
    }
}
