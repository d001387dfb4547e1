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

    /** A script stops at an interrupted command, but not at a socket's timeout, which is no interrupt. */
    @Test
    void anInterruptIsToldFromASocketTimeout() {
        org.junit.jupiter.api.Assertions.assertTrue(CommandFailures.interrupted(
                new RuntimeException(new InterruptedException())));
        org.junit.jupiter.api.Assertions.assertTrue(CommandFailures.interrupted(
                new java.nio.channels.ClosedByInterruptException()));
        org.junit.jupiter.api.Assertions.assertFalse(CommandFailures.interrupted(
                new RuntimeException(new java.net.SocketTimeoutException("Read timed out"))));
        org.junit.jupiter.api.Assertions.assertFalse(CommandFailures.interrupted(new IllegalStateException("x")));
    }

    @Test
    void aMessageIsKept() {
        assertEquals("No plugin named 'x'", CommandFailures.describe("plugin:why x",
                new IllegalArgumentException("No plugin named 'x'")));
    }
}
