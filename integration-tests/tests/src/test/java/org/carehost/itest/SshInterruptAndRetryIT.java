package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

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
 * The real {@code carehost.jar} and OpenSSH over loopback (tryout 16, findings 4 and 5): Ctrl-C in an interactive SSH
 * shell interrupts the running command, as at the local console, and what was typed meanwhile runs next; an SSH port
 * taken at the start is tried again until it is free, and {@code carehost:status} does not say OK meanwhile.
 */
public class SshInterruptAndRetryIT {

    /**
     * Proves Ctrl-C (the byte 0x03 a client with a terminal sends) interrupts a command running in an SSH shell, says
     * "Interrupted." as the local console does, and the line typed while it ran is the next one to run (finding 4: the
     * command ran on until it ended; only killing the client got out).
     */
    @Test
    public void ctrlCInterruptsTheRunningCommandAndTheTypedAheadLineRunsNext() throws Exception {
        Path home = CarehostProcess.freshHome("ssh-ctrl-c");
        int sshPort = LoopbackPorts.free();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + sshPort + "\n");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ad1@test", "-f", home.resolve("ad1_ed25519").toString());
        Process container = CarehostProcess.start(home, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=0");
        Process shell = null;
        try (OutputStream console = container.getOutputStream()) {
            console.write(("user:add --roles admin ad1\nuser:key-add ad1 "
                    + Files.readString(home.resolve("ad1_ed25519.pub")).strip() + "\n").getBytes(StandardCharsets.UTF_8));
            console.flush();
            CarehostProcess.awaitFile(container, home.resolve("stdout.txt"), "added to ad1.");
            shell = new ProcessBuilder("ssh", "-tt", "-p", String.valueOf(sshPort), "-i",
                    home.resolve("ad1_ed25519").toString(), "-o", "StrictHostKeyChecking=no", "-o",
                    "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o",
                    "LogLevel=ERROR", "ad1@127.0.0.1").redirectErrorStream(true).start();
            StringBuilder screen = SshScreen.read(shell);
            SshScreen.await(screen, "ad1@carehost> ");
            // "started" printed: the line runs, and its sleep (600 s) with it
            send(shell, "echo sleep-start''ed; gogo:sleep 600\r");
            SshScreen.await(screen, "sleep-started");
            send(shell, "user:whoami\r"); // typed ahead, while the command runs
            send(shell, "\u0003");
            // "Interrupted." when the sleep stops within 2 s; on a loaded machine it may take longer, and the shell then
            // says "Interrupted; the command did not stop at once ..." and gives the prompt back all the same
            SshScreen.await(screen, "Interrupted");
            SshScreen.await(screen, "ad1 (admin;"); // the typed-ahead line ran
            assertFalse(screen.toString(), screen.toString().contains("Error:"));
            send(shell, "exit\r");
            assertTrue("the connection ends", shell.waitFor(60, TimeUnit.SECONDS));
            assertEquals(screen.toString(), 0, shell.exitValue());
            assertTrue("the container runs on", container.isAlive());
        } finally {
            if (shell != null) {
                shell.destroyForcibly();
            }
            stop(container);
        }
    }

    /**
     * Proves an SSH port held by another process at the start is tried again, with one ERROR line however many tries,
     * that {@code carehost:status} says ready but not OK for the SSH shell meanwhile, naming the port and that it
     * tries again, and that the shell listens (one INFO line) once the port is free (finding 5: one ERROR, no retry
     * ever, and the status said "OK SSH shell not started").
     */
    @Test
    public void aTakenSshPortIsTriedAgainUntilFreeAndTheStatusDoesNotSayOkMeanwhile() throws Exception {
        Path home = CarehostProcess.freshHome("ssh-port-retry");
        Path log = home.resolve("data/log/carehost.log");
        Process container = null;
        try (ServerSocket other = new ServerSocket()) {
            other.setReuseAddress(false);
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1); // another process's listener
            int port = other.getLocalPort();
            Files.createDirectories(home.resolve("etc"));
            Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + port + "\n");
            container = CarehostProcess.start(home, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=0");
            OutputStream console = container.getOutputStream();
            CarehostProcess.awaitFile(container, log, "SSH shell not started: cannot listen on 127.0.0.1:" + port);
            // a second try failed too: the status says the next wait is longer
            String status = awaitStatus(container, home, "it tries again every 20 s");
            assertTrue(status, status.contains("\nready\n") || status.startsWith("ready\n"));
            assertTrue(status, status.contains("SSH shell: WARN SSH shell not listening: cannot listen on 127.0.0.1:"
                    + port + " (the port is in use"));
            assertFalse(status, status.contains("SSH shell: OK"));
            assertEquals("one ERROR line for two failed tries", 1, errorLines(log, port).size());
            other.close(); // the other process stops listening
            CarehostProcess.awaitFile(container, log, "SSH shell listening on 127.0.0.1:" + port + " ");
            String after = awaitStatus(container, home, "SSH shell: OK SSH shell listening on 127.0.0.1:" + port);
            assertTrue(after, after.contains("listening on 127.0.0.1:" + port));
            List<String> errors = errorLines(log, port);
            assertEquals("still one ERROR line: " + errors, 1, errors.size());
            assertEquals("one INFO line for the start", 1, Files.readString(log).lines()
                    .filter(line -> line.contains("SSH shell listening on 127.0.0.1:" + port + " ")).count());
            console.close();
        } finally {
            if (container != null) {
                stop(container);
            }
        }
    }

    private static List<String> errorLines(Path log, int port) throws Exception {
        return Files.readString(log).lines().filter(line -> line.contains(" ERROR ") && line.contains(":" + port))
                .toList();
    }

    /** Runs {@code carehost:status} at the console until its output shows {@code text}; returns the console so far. */
    private static String awaitStatus(Process container, Path home, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        OutputStream console = container.getOutputStream();
        Path out = home.resolve("stdout.txt");
        while (true) {
            console.write("carehost:status\n".getBytes(StandardCharsets.UTF_8));
            console.flush();
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < wait) {
                String printed = Files.readString(out);
                if (printed.contains(text)) {
                    return printed;
                }
                Thread.sleep(50);
            }
            assertTrue("'" + text + "' never appeared in carehost:status:\n" + Files.readString(out),
                    System.nanoTime() < deadline && container.isAlive());
        }
    }

    private static void send(Process shell, String keys) throws Exception {
        shell.getOutputStream().write(keys.getBytes(StandardCharsets.UTF_8));
        shell.getOutputStream().flush();
    }

    private static void stop(Process container) throws Exception {
        try {
            container.getOutputStream().close(); // the end of the script: the container stops
        } catch (java.io.IOException e) {
            // closed already
        }
        if (!container.waitFor(60, TimeUnit.SECONDS)) {
            container.destroyForcibly();
        }
    }

    private static void run(String... command) throws Exception {
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(out, 0, child.exitValue());
    }
}
