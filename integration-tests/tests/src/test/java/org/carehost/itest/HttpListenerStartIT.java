package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;

/**
 * The HTTP listeners' start on the real {@code carehost.jar} (tryout 16, item 7):
 * <ul>
 * <li>the port taken by another process: the console shows one line that names the cause and the file to edit, as the
 * SSH shell's; Felix HTTP's three raw ERROR lines are in the log file only;
 * <li>{@code httpEnabled=false} written into an existing home's etc/org.carehost.http.listener.cfg while the container
 * is stopped: the next start binds nothing (before, it listened on the last run's port until the deploy watcher
 * delivered the file), and the operator's choice is no WARN on the console.
 * </ul>
 * Each waits on a line the log file gets in both the old and the new container (Felix HTTP's own, kept there).
 */
public class HttpListenerStartIT {

    private static final String LISTENER_CFG = "etc/org.carehost.http.listener.cfg";

    @Test
    public void aTakenPortIsOneClearLineOnTheConsole() throws Exception {
        Path home = CarehostProcess.freshHome("http-port-taken");
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Files.writeString(home.resolve(LISTENER_CFG), "port=" + port + "\n");
            Process process = CarehostProcess.start(home, CarehostProcess.thisJava());
            Path log = home.resolve("data/log/carehost.log");
            CarehostProcess.awaitFile(process, log, "Failed to bind to /127.0.0.1:" + port);
            CarehostProcess.awaitFile(process, log, "Exception while initializing Jetty");
            CarehostProcess.Run run = CarehostProcess.finish(process, home, "");
            assertEquals(run.toString(), 0, run.exit);
            assertTrue(run.toString(), run.err.contains("ERROR HTTP API not started: cannot listen on 127.0.0.1:"
                    + port + ": the port is in use by another process; set port (or address) in " + LISTENER_CFG));
            for (String raw : new String[] {"Failed to start Connector", "Jetty stopped (no connectors available)",
                "Exception while initializing Jetty"}) {
                assertFalse("raw on the console: " + raw + "\n" + run, run.err.contains(raw));
            }
            String file = Files.readString(log);
            assertTrue(file, file.contains("INFO  [CM Configuration Updater (Update: pid=org.apache.felix.http)] "
                    + "org.apache.felix.http - Failed to start Connector"));
        }
    }

    @Test
    public void httpTurnedOffWhileStoppedBindsNothingAtTheNextStart() throws Exception {
        Path home = CarehostProcess.freshHome("http-off-warm");
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n");
        int port = LoopbackPorts.free();
        Files.writeString(home.resolve(LISTENER_CFG), "port=" + port + "\n");
        Path log = home.resolve("data/log/carehost.log");
        Process first = CarehostProcess.start(home, CarehostProcess.thisJava());
        CarehostProcess.awaitFile(first, log, "HTTP listening on http://127.0.0.1:" + port);
        assertEquals(0, CarehostProcess.finish(first, home, "").exit);

        // Turned off while stopped; the old port held by another process, so that a listener started on the last
        // run's settings shows (a bind failure in the log).
        Files.writeString(home.resolve(LISTENER_CFG), "port=" + port + "\nhttpEnabled=false\n");
        Files.delete(log);
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            Process second = CarehostProcess.start(home, CarehostProcess.thisJava());
            CarehostProcess.awaitFile(second, log, "Jetty not started (HTTP and HTTPS disabled)");
            CarehostProcess.Run run = CarehostProcess.finish(second, home, "");
            assertEquals(run.toString(), 0, run.exit);
            String file = Files.readString(log);
            assertFalse("the last run's port was bound:\n" + file, file.contains("Failed to bind"));
            assertFalse("the operator's choice is no WARN on the console:\n" + run, run.err.contains("Jetty"));
            assertTrue(file, file.contains("HTTP API off: httpEnabled=false and httpsEnabled=false in "
                    + LISTENER_CFG));
        }
    }

}
