package org.carehost.security.weaving;

import java.util.ArrayList;
import java.util.List;

/**
 * The gate the woven test code calls instead of the agent's {@code java.lang.CarehostGate}: counts polls, records the
 * classes they name and monitor checks, and throws once {@link #stopAfter} polls are reached, as a stopped plugin's
 * code is thrown at; handler polls only count, and park the thread once {@link #parkAfter} are reached.
 */
public final class TestGate {

    public static volatile long polls;
    public static volatile long stopAfter = Long.MAX_VALUE;
    public static volatile long handlerPolls;
    public static volatile long parkAfter = Long.MAX_VALUE;
    public static final List<Object> named = new ArrayList<>();
    public static final List<Object> locked = new ArrayList<>();

    private TestGate() {
    }

    public static void reset() {
        polls = 0;
        stopAfter = Long.MAX_VALUE;
        handlerPolls = 0;
        parkAfter = Long.MAX_VALUE;
        synchronized (named) {
            named.clear();
        }
        locked.clear();
    }

    public static void poll(Class<?> at) {
        if (polls < 16) {
            synchronized (named) {
                named.add(at);
            }
        }
        if (++polls >= stopAfter) {
            throw new StoppedForTest();
        }
    }

    /** Handler polls: counted; from {@link #parkAfter} on, the thread parks for good, as the container's does. */
    public static void pollHandler(Class<?> at) {
        if (++handlerPolls >= parkAfter) {
            while (true) {
                java.util.concurrent.locks.LockSupport.park();
            }
        }
    }

    public static void pollHandlerCaller() {
        pollHandler(null);
    }

    /** The bootstrap of polls woven as invokedynamic: each linked to {@link #poll}, so that the test counts them. */
    public static java.lang.invoke.CallSite pollSite(java.lang.invoke.MethodHandles.Lookup caller, String name,
            java.lang.invoke.MethodType type) throws ReflectiveOperationException {
        return new java.lang.invoke.ConstantCallSite(java.lang.invoke.MethodHandles.lookup().findStatic(TestGate.class,
                "poll", type));
    }

    public static void pollCaller() {
        poll(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass());
    }

    public static void check(String hook, Object self, Object[] args) {
        locked.add(hook + " " + self);
    }

    /** What the test gate throws, as the security manager throws its own error into stopped code. */
    public static final class StoppedForTest extends Error {
        private static final long serialVersionUID = 1L;

        StoppedForTest() {
            super("stopped");
        }
    }
}
