package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The real {@code carehost.jar} and OpenSSH over loopback (tryout 14, findings 1, 6, 8 and 9): {@code exit} and
 * {@code exit N} end only the SSH session, one-shot or interactive, admin or not, and the container runs on; a
 * rejected SSH setting leaves open sessions alone; {@code help} lists and describes the commands Gogo's help could
 * not; a cut SSH key is refused and not stored.
 */
public class SshSessionEndIT {

    private static Process process;
    private static OutputStream console;
    private static Path home;
    private static int sshPort;

    @BeforeClass
    public static void startTheContainerAndMakeAccounts() throws Exception {
        home = CarehostProcess.freshHome("ssh-end");
        sshPort = LoopbackPorts.free();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + sshPort + "\n");
        for (String user : List.of("ad1", "op1")) {
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", user + "@test", "-f",
                    home.resolve(user + "_ed25519").toString());
        }
        process = CarehostProcess.start(home, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=0");
        console = process.getOutputStream();
        type("user:add --roles admin ad1");
        type("user:add --roles operator op1");
        for (String user : List.of("ad1", "op1")) {
            type("user:key-add " + user + " " + Files.readString(home.resolve(user + "_ed25519.pub")).strip());
        }
        awaitConsole("added to ad1.");
        awaitConsole("added to op1.");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (process != null) {
            console.close(); // the end of the script: the container stops
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * Proves a one-shot {@code exit} ends that SSH command only, with its status as the client's exit status (finding
     * 1: {@code ssh admin@host 'exit 3'} stopped the container, status 117, unaudited), for an admin and an operator
     * (who was refused gogo:exit), and that nothing after {@code exit} on the line runs.
     */
    @Test
    public void aOneShotExitEndsOnlyThatCommand() throws Exception {
        Ssh three = ssh("ad1", "exit 3");
        assertEquals(three.toString(), 3, three.status);
        Ssh plain = ssh("ad1", "exit");
        assertEquals(plain.toString(), 0, plain.status);
        assertEquals("the container still answers", 0, ssh("ad1", "user:whoami").status);
        Ssh rest = ssh("ad1", "exit 4; user:whoami");
        assertEquals(rest.toString(), 4, rest.status);
        assertFalse(rest.toString(), rest.out.contains("ad1 (admin"));
        Ssh operator = ssh("op1", "exit 5");
        assertEquals(operator.toString(), 5, operator.status);
        assertTrue("the container still runs", process.isAlive());
        Ssh after = ssh("ad1", "user:whoami");
        assertEquals(after.toString(), 0, after.status);
        assertTrue(after.toString(), after.out.startsWith("ad1 (admin"));
    }

    /** Proves {@code exit 3} typed in an interactive SSH shell ends that connection with status 3, not the container. */
    @Test
    public void anInteractiveExitWithAStatusEndsOnlyThatSession() throws Exception {
        Process shell = new ProcessBuilder(interactive("ad1")).redirectErrorStream(true).start();
        StringBuilder screen = SshScreen.read(shell);
        SshScreen.await(screen, "ad1@carehost> ");
        shell.getOutputStream().write("exit 3\r".getBytes(StandardCharsets.UTF_8));
        shell.getOutputStream().flush();
        assertTrue("the connection ends", shell.waitFor(60, TimeUnit.SECONDS));
        assertEquals(screen.toString(), 3, shell.exitValue());
        assertTrue("the container still runs", process.isAlive());
        Ssh after = ssh("op1", "user:whoami");
        assertEquals(after.toString(), 0, after.status);
    }

    /**
     * Proves a rejected SSH setting changes nothing (finding 6: it restarted the SSH server and cut open sessions while
     * the log said the last good configuration stayed in effect): the open shell answers its next line after the
     * rejection is logged.
     */
    @Test
    public void aRejectedSshSettingLeavesOpenSessionsAlone() throws Exception {
        Process shell = new ProcessBuilder(interactive("op1")).redirectErrorStream(true).start();
        StringBuilder screen = SshScreen.read(shell);
        SshScreen.await(screen, "op1@carehost> ");
        Path file = home.resolve("etc/org.carehost.ssh.cfg");
        try {
            Files.writeString(file, "port=" + sshPort + "\nidleSeconds=-5\n");
            awaitConsole("rejected: idleSeconds = '-5'");
            Ssh meanwhile = ssh("ad1", "user:whoami"); // a new connection also lands on the same listener
            assertEquals(meanwhile.toString(), 0, meanwhile.status);
            shell.getOutputStream().write("user:whoami\r".getBytes(StandardCharsets.UTF_8));
            shell.getOutputStream().flush();
            SshScreen.await(screen, "op1 (operator");
            assertTrue(screen.toString(), shell.isAlive());
        } finally {
            Files.writeString(file, "port=" + sshPort + "\n");
            shell.destroy();
        }
    }

    /**
     * Proves {@code help} lists the commands Gogo's help left out and describes each, and that help on a name no
     * command has fails (finding 8: {@code help user:key-add} printed "No methods found matching" with status 0).
     */
    @Test
    public void helpListsAndDescribesEveryCommand() throws Exception {
        Ssh list = ssh("ad1", "help");
        assertEquals(list.toString(), 0, list.status);
        for (String command : List.of("user:key-add", "patient:import", "plugin:purge-data", "security:rotate-key",
                "plugin:why")) {
            assertTrue(command + " listed:\n" + list, list.out.lines().anyMatch(command::equals));
            Ssh one = ssh("ad1", "help " + command);
            assertEquals(one.toString(), 0, one.status);
            assertFalse(one.toString(), one.out.contains("No methods found"));
            assertTrue(one.toString(), one.out.contains(command.substring(command.indexOf(':') + 1)));
        }
        assertTrue(ssh("ad1", "help user:key-add").out.contains("Usage: user:key-add <name>"));
        Ssh unknown = ssh("ad1", "help nosuch");
        assertEquals(unknown.toString(), 1, unknown.status);
        assertTrue(unknown.toString(), unknown.err.contains("No command named 'nosuch'"));
    }

    /** Proves a cut ed25519 key is refused, naming the problem, and not stored (finding 9: it was added). */
    @Test
    public void aCutKeyIsRefusedAndNotStored() throws Exception {
        Ssh cut = ssh("ad1", "user:key-add op1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBogus op1@laptop");
        assertEquals(cut.toString(), 1, cut.status);
        assertTrue(cut.toString(), cut.err.contains("cut short or damaged"));
        Ssh keys = ssh("ad1", "user:keys op1");
        assertEquals(keys.toString(), 0, keys.status);
        assertFalse(keys.toString(), keys.out.contains("op1@laptop"));
        assertFalse(keys.toString(), keys.out.contains("nTKAUzidcZ5gbLVKPXiQ7pCVVnY"));
    }

    /**
     * Proves that an admin who deliberately stops the container over SSH ({@code felix:stop 0}: exit no longer does)
     * is named in the audit trail and the log (finding 1: the stop left no record of who). A container of its own,
     * since it stops.
     */
    @Test
    public void aRemoteStopOfTheContainerIsAuditedNamingTheAdmin() throws Exception {
        Path own = CarehostProcess.freshHome("ssh-stop");
        int port = LoopbackPorts.free();
        Files.createDirectories(own.resolve("etc"));
        Files.writeString(own.resolve("etc/org.carehost.ssh.cfg"), "port=" + port + "\n");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ad9@test", "-f", own.resolve("ad9_ed25519").toString());
        Process container = CarehostProcess.start(own, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=0");
        try (OutputStream in = container.getOutputStream()) {
            in.write(("user:add --roles admin ad9\nuser:key-add ad9 "
                    + Files.readString(own.resolve("ad9_ed25519.pub")).strip() + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            CarehostProcess.awaitFile(container, own.resolve("stdout.txt"), "added to ad9.");
            Process ssh = new ProcessBuilder("ssh", "-p", String.valueOf(port), "-i", own.resolve("ad9_ed25519").toString(),
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o",
                    "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "ad9@127.0.0.1", "felix:stop 0").start();
            ssh.getOutputStream().close();
            assertTrue("ssh did not end", ssh.waitFor(60, TimeUnit.SECONDS));
            assertTrue("the container stops", container.waitFor(120, TimeUnit.SECONDS));
        } finally {
            container.destroyForcibly();
        }
        String console = Files.readString(own.resolve("stdout.txt")) + Files.readString(own.resolve("stderr.txt"));
        assertTrue(console, console.contains("The container stops: ad9 ran 'felix:stop 0' over ssh"));
        CarehostProcess.Run trail = CarehostProcess.script(own, CarehostProcess.thisJava(), "audit:query --user ad9\n");
        assertEquals(trail.toString(), 0, trail.exit);
        assertTrue(trail.toString(), trail.out.contains("container.stop"));
    }

    /**
     * Proves Gogo's terminal commands over SSH (tryout 16, items 8 and 20: a NullPointerException about a null terminal,
     * status 0): one-shot, with no terminal, each fails with one {@code Error:} line saying so and status 1; in the
     * interactive shell {@code clear} clears the screen and {@code gogo:less} pages a file, then the prompt returns.
     */
    @Test
    public void terminalCommandsNeedTheInteractiveShell() throws Exception {
        for (String line : List.of("gogo:nano x", "gogo:less etc/README", "gogo:clear")) {
            Ssh oneShot = ssh("ad1", line);
            assertEquals(oneShot.toString(), 1, oneShot.status);
            assertEquals(oneShot.toString(), "Error: " + line + ": '" + line.split(" ")[0] + "' needs a terminal, and this "
                    + "session has none: run it in the interactive SSH shell (ssh -p <port> <user>@<host>, with no "
                    + "command), not as a one-shot command", oneShot.err.strip());
            assertEquals(oneShot.toString(), "", oneShot.out);
        }
        ProcessBuilder builder = new ProcessBuilder(interactive("ad1")).redirectErrorStream(true);
        builder.environment().put("TERM", "xterm");
        Process shell = builder.start();
        try {
            StringBuilder screen = SshScreen.read(shell);
            SshScreen.await(screen, "ad1@carehost> ");
            shell.getOutputStream().write("clear\r".getBytes(StandardCharsets.UTF_8));
            shell.getOutputStream().flush();
            SshScreen.await(screen, "\u001b[H\u001b[2J"); // xterm's clear_screen
            shell.getOutputStream().write("gogo:less etc/README\r".getBytes(StandardCharsets.UTF_8));
            shell.getOutputStream().flush();
            SshScreen.await(screen, "Carehost configuration"); // the file's first line, paged (less waits for keys)
            shell.getOutputStream().write("q".getBytes(StandardCharsets.UTF_8));
            shell.getOutputStream().write("user:whoami\r".getBytes(StandardCharsets.UTF_8));
            shell.getOutputStream().flush();
            SshScreen.await(screen, "ad1 (admin");
            assertFalse(screen.toString(), screen.toString().contains("NullPointerException"));
        } finally {
            shell.destroy();
        }
    }

    /** Proves a one-shot command's result ends with one line break, no blank line after it (tryout 16, item 21). */
    @Test
    public void aOneShotResultEndsWithOneLineBreak() throws Exception {
        Ssh list = ssh("ad1", "plugin:list");
        assertEquals(list.toString(), 0, list.status);
        assertTrue(list.toString(), list.out.contains("org.carehost.sample.hello") && list.out.endsWith("\n")
                && !list.out.endsWith("\n\n"));
        Ssh whoami = ssh("ad1", "user:whoami");
        assertTrue(whoami.toString(), whoami.out.startsWith("ad1 (admin") && whoami.out.endsWith("\n")
                && !whoami.out.endsWith("\n\n"));
    }

    private record Ssh(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }

    private static Ssh ssh(String user, String command) throws Exception {
        Process ssh = new ProcessBuilder(sshCommand(user, command)).start();
        ssh.getOutputStream().close();
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(ssh.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("ssh did not end", ssh.waitFor(60, TimeUnit.SECONDS));
        return new Ssh(ssh.exitValue(), out, err);
    }

    private static List<String> interactive(String user) {
        List<String> command = new ArrayList<>(sshCommand(user, null));
        command.add(1, "-tt");
        return command;
    }

    private static List<String> sshCommand(String user, String command) {
        List<String> out = new ArrayList<>(List.of("ssh", "-p", String.valueOf(sshPort), "-i",
                home.resolve(user + "_ed25519").toString(), "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o",
                "LogLevel=ERROR", user + "@127.0.0.1"));
        if (command != null) {
            out.add(command);
        }
        return out;
    }



    private static void type(String line) throws IOException {
        synchronized (SshSessionEndIT.class) {
            console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            console.flush();
        }
    }

    /** Waits until the container's console output (standard output and error) shows {@code text}. */
    private static void awaitConsole(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            String all = Files.readString(home.resolve("stdout.txt")) + Files.readString(home.resolve("stderr.txt"));
            if (all.contains(text)) {
                return;
            }
            assertTrue("'" + text + "' never appeared on the console:\n" + all, System.nanoTime() < deadline
                    && process.isAlive());
            Thread.sleep(100);
        }
    }

    private static void run(String... command) throws Exception {
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(out, 0, child.exitValue());
    }
}
