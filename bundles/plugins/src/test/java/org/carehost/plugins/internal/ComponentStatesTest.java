package org.carehost.plugins.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ComponentStatesTest {

    @Test
    void theInnermostCauseOfAStackTraceIsReported() {
        String trace = "java.lang.reflect.InvocationTargetException\n\tat a.B.c(B.java:1)\n"
                + "Caused by: java.lang.RuntimeException: outer\n\tat d.E.f(E.java:2)\n"
                + "Caused by: java.lang.IllegalStateException: the real reason\n\tat g.H.i(H.java:3)\n";
        assertEquals("java.lang.IllegalStateException: the real reason", ComponentStates.rootCause(trace));
    }

    @Test
    void withoutACauseTheFirstLineIsReported() {
        assertEquals("java.lang.Error: boom", ComponentStates.rootCause("java.lang.Error: boom\n\tat x.Y.z(Y.java:1)"));
        assertEquals("(no reason given)", ComponentStates.rootCause(null));
    }
}
