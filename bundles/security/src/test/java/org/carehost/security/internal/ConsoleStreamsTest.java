package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;
import org.junit.jupiter.api.Test;

/** The console's streams as the hooks report them: a container rule where they are the process's own, else nothing. */
class ConsoleStreamsTest {

    private static final String GOGO = "org.apache.felix.gogo.runtime.threadio.";

    @Test
    void aStreamOnAStandardDescriptorIsAContainerRuleAndAnyOtherNeedsNoDecision() {
        Request in = ChokePoints.read("java.io.FileInputStream.<init>", null, new Object[] {FileDescriptor.in});
        assertEquals(Kind.CONTAINER, in.kind());
        assertTrue(in.target().contains("standard input (new FileInputStream(FileDescriptor.in))"), in.target());
        Request err = ChokePoints.read("java.io.FileOutputStream.<init>", null, new Object[] {FileDescriptor.err});
        assertTrue(err.target().contains("standard error (new FileOutputStream(FileDescriptor.err))"), err.target());
        // a pipe's or a socket's descriptor (a process's streams): not the console
        assertNull(ChokePoints.read("java.io.FileOutputStream.<init>", null, new Object[] {new FileDescriptor()}));
    }

    @Test
    void printsPassButReadsAndTheRawStreamsAreTheConsoles() {
        // a plugin's print through System.out or System.err meets no hook (Hooks lists none on Gogo's Marker);
        // reads of System.in, the raw streams and the JDK's console are the container's
        assertEquals(Kind.CONTAINER, ChokePoints.read(GOGO + "ThreadInputStream.getCurrent", null, new Object[0]).kind());
        assertTrue(ChokePoints.read(GOGO + "ThreadPrintStream.getRoot", null, new Object[0]).target().contains("getRoot"));
        assertEquals(Kind.CONTAINER, ChokePoints.read("java.lang.System.console", null, new Object[0]).kind());
    }

    @Test
    void onlyGogosThreadStreamsAndTheirMarkerRelayForTheirCaller() {
        assertFalse(ConsoleStreams.relays(String.class));
        assertFalse(ConsoleStreams.relays(ConsoleStreamsTest.class));
    }
}
