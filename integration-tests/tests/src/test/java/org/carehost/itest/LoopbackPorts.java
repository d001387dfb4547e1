package org.carehost.itest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port free on the loopback address now, for a listener a test starts (the container's, or the test's own). */
final class LoopbackPorts {

    private LoopbackPorts() {
    }

    static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
