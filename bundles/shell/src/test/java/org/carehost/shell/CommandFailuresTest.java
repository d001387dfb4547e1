package org.carehost.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CommandFailuresTest {

    /** Tryout 14: SIGTERM under a piped command printed "Error: ...: InterruptedException". */
    @Test
    void anInterruptIsSaidInWordsNotAsAClassName() {
        assertEquals("interrupted (stopped by Ctrl-C or by the container stopping) before it finished",
                CommandFailures.describe("plugin:install http://127.0.0.1:1/x.jar", new InterruptedException()));
        assertEquals("interrupted (stopped by Ctrl-C or by the container stopping) before it finished",
                CommandFailures.describe("x", new RuntimeException(new java.io.InterruptedIOException())));
    }

    @Test
    void aMessageIsKept() {
        assertEquals("No plugin named 'x'", CommandFailures.describe("plugin:why x",
                new IllegalArgumentException("No plugin named 'x'")));
    }
}
