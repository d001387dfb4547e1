package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/**
 * The container's console stays quiet about the SSH shell (issue 16, "an operator's first hour"): a logout prints
 * nothing (JLine's pseudo-terminal pump printed a "Stream Closed" stack trace, and on JDK 25 loading JLine's native
 * library printed the JDK's restricted-method warning), and a taken SSH port is one line that names the port, says it
 * is in use and names the setting, while commands still run.
 */
public class QuietSshConsoleIT {

    private static final String JAVA = CarehostProcess.thisJava();

    @Test
    public void anSshLoginAndLogoutLeaveTheConsoleQuiet() throws Exception {
        Path home = freshHome("ssh-logout");
        int sshPort = LoopbackPorts.free();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + sshPort + "\n");
        Files.writeString(home.resolve("etc/org.carehost.http.listener.cfg"), "port=" + LoopbackPorts.free() + "\n");
        Path key = home.resolve("id_ed25519");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "admin1@test", "-f", key.toString());
        Process container = CarehostProcess.startForLogins(home, JAVA);
        try {
            try (OutputStream console = container.getOutputStream()) {
                console.write(("user:add --roles admin admin1\nuser:key-add admin1 "
                        + Files.readString(home.resolve("id_ed25519.pub")).strip() + "\n").getBytes(StandardCharsets.UTF_8));
                console.flush();
                awaitFile(container, home.resolve("stdout.txt"), "added to admin1.");
                awaitFile(container, home.resolve("data/log/carehost.log"), "SSH shell listening on 127.0.0.1:" + sshPort);
                Process ssh = new ProcessBuilder("ssh", "-tt", "-p", String.valueOf(sshPort), "-i", key.toString(), "-o",
                        "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o",
                        "IdentitiesOnly=yes", "admin1@127.0.0.1").redirectErrorStream(true)
                        .redirectOutput(home.resolve("ssh.txt").toFile()).start();
                awaitFile(ssh, home.resolve("ssh.txt"), "admin1@carehost> ");
                ssh.getOutputStream().write("user:whoami\r".getBytes(StandardCharsets.UTF_8));
                ssh.getOutputStream().flush();
                awaitFile(ssh, home.resolve("ssh.txt"), "admin1 (admin; accounts)");
                ssh.getOutputStream().write("exit\r".getBytes(StandardCharsets.UTF_8));
                ssh.getOutputStream().flush();
                assertTrue("the SSH session ended at 'exit'", ssh.waitFor(60, TimeUnit.SECONDS));
                assertTrue("the container runs on", container.isAlive());
                console.write("echo AFTER-THE-LOGOUT\n".getBytes(StandardCharsets.UTF_8));
            } // the script ends: the container stops, and all it printed is in the files
            assertTrue("the container stopped", container.waitFor(120, TimeUnit.SECONDS));
        } finally {
            container.destroyForcibly();
        }
        CarehostProcess.Run ended = CarehostProcess.ended(container, home);
        String out = ended.out;
        String err = ended.err;
        String run = ended.toString();
        assertEquals(run, 0, container.exitValue());
        assertTrue(run, out.contains("AFTER-THE-LOGOUT"));
        assertFalse("no stack trace on the console: " + run, err.contains("Stream Closed")
                || err.lines().anyMatch(line -> line.startsWith("\tat ")));
        assertFalse("no JDK warning about native access for the SSH terminal: " + run,
                err.contains("restricted method"));
    }

    @Test
    public void aTakenSshPortIsOneLineNamingThePortAndTheSettingAndCommandsRun() throws Exception {
        Path home = freshHome("ssh-port-taken");
        try (ServerSocket other = new ServerSocket()) {
            other.setReuseAddress(false);
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1); // another process's listener
            int taken = other.getLocalPort();
            Files.createDirectories(home.resolve("etc"));
            Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + taken + "\n");
            Files.writeString(home.resolve("etc/org.carehost.http.listener.cfg"), "port=" + LoopbackPorts.free() + "\n");
            Process container = CarehostProcess.start(home, JAVA);
            try {
                try (OutputStream console = container.getOutputStream()) {
                    awaitFile(container, home.resolve("data/log/carehost.log"),
                            "SSH shell not started: cannot listen on 127.0.0.1:" + taken);
                    console.write("plugin:list\n".getBytes(StandardCharsets.UTF_8));
                }
                assertTrue("the container stopped", container.waitFor(120, TimeUnit.SECONDS));
            } finally {
                container.destroyForcibly();
            }
            CarehostProcess.Run ended = CarehostProcess.ended(container, home);
            String out = ended.out;
            String err = ended.err;
            String run = ended.toString();
            assertEquals(run, 0, container.exitValue());
            assertEquals("commands run: " + run, "ACTIVE", CarehostProcess.stateOf(out, "org.carehost.sample.hello"));
            List<String> about = err.lines().filter(line -> line.contains(String.valueOf(taken))).toList();
            assertEquals("one line about the port: " + run, 1, about.size());
            assertTrue(run, about.get(0).contains("127.0.0.1:" + taken) && about.get(0).contains("in use")
                    && about.get(0).contains("etc/org.carehost.ssh.cfg"));
            assertEquals("no other ERROR line: " + run, 1, err.lines().filter(line -> line.contains(" ERROR ")).count());
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(String.join(" ", command), 0, process.exitValue());
    }
}
