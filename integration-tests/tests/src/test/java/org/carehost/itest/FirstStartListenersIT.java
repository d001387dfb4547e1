package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.carehost.itest.CarehostProcess.start;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/**
 * A first start listens only where {@code etc/} says. The deploy watcher delivers {@code etc/*.cfg} at start level
 * 40, after the SSH shell's and the HTTP listeners' bundles have started: they used to start on their defaults
 * meanwhile (SSH on 8101, Jetty on the framework property's 8181), for a moment, on ports the operator never named,
 * and with another process there that was an ERROR line each (issue 16). They now require their configuration.
 */
public class FirstStartListenersIT {

    private static final int SSH_DEFAULT = 8101;
    private static final int HTTP_DEFAULT = 8181;

    @Test
    public void aFirstStartListensOnlyOnThePortsEtcNames() throws Exception {
        Path home = freshHome("first-listeners");
        // The default ports made unavailable to the container: held here, or already held by another process on this
        // machine (then that one holds it). Either way an attempt to listen there fails, with an ERROR line.
        try (ServerSocket ssh = hold(SSH_DEFAULT); ServerSocket http = hold(HTTP_DEFAULT)) {
            int sshPort = LoopbackPorts.free();
            int httpPort = LoopbackPorts.free();
            Files.createDirectories(home.resolve("etc"));
            Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + sshPort + "\n");
            Files.writeString(home.resolve("etc/org.carehost.http.listener.cfg"), "port=" + httpPort + "\n");
            Process process = start(home, CarehostProcess.thisJava());
            Path log = home.resolve("data/log/carehost.log");
            try {
                awaitFile(process, log, "SSH shell listening on 127.0.0.1:" + sshPort + " ");
                awaitFile(process, log, "HTTP listening on http://127.0.0.1:" + httpPort + "/");
            } finally {
                process.getOutputStream().close(); // the script (none) ends: the container stops
                assertTrue("the container did not stop", process.waitFor(60, TimeUnit.SECONDS));
            }
            assertEquals(0, process.exitValue());
        }
        String err = Files.readString(home.resolve("stderr.txt"));
        List<String> errors = err.lines().filter(line -> line.matches("\\d\\d:\\d\\d:\\d\\d ERROR .*")).toList();
        assertEquals("no ERROR on the console: " + err, List.of(), errors);
        String logged = Files.readString(home.resolve("data/log/carehost.log"));
        for (int port : new int[] {SSH_DEFAULT, HTTP_DEFAULT}) {
            assertFalse("never a listener on the default port " + port + ": " + logged,
                    logged.contains("127.0.0.1:" + port));
        }
    }

    /** A listener on 127.0.0.1:port, or null when another process has the port already. */
    private static ServerSocket hold(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(false);
        try {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return socket;
        } catch (BindException taken) {
            socket.close();
            return null;
        }
    }
}
