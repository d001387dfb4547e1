package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * The executable itself, as an operator and a script run it: {@code target/carehost.jar} in a fresh
 * working directory, driven through standard input, restarted, moved to another JDK, and stopped by SIGTERM.
 */
public class ContainerProcessIT {

    private static final Path JAR = Paths.get(System.getProperty("carehost.jar"));
    private static final Path BUNDLES = Paths.get(System.getProperty("carehost.bundles"));
    private static final String JAVA_17 = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    private static final String JAVA_25 = Paths.get(System.getProperty("jdk25.home"), "bin", "java").toString();

    /** What one run printed. */
    static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static Path freshHome(String name) throws IOException {
        Path home = Files.createDirectories(Paths.get(System.getProperty("carehost.work")))
                .resolve(name + "-" + System.nanoTime());
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(BUNDLES.resolve("carehost-sample-hello.jar"), home.resolve("deploy/hello.jar"));
        return home;
    }

    private static Process start(Path home, String java) throws IOException {
        assertTrue("no JDK at " + java, new File(java).canExecute());
        return new ProcessBuilder(java, "-jar", JAR.toString())
                .directory(home.toFile())
                .redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile())
                .start();
    }

    private static Run script(Path home, String java, String commands) throws Exception {
        Process process = start(home, java);
        try (OutputStream in = process.getOutputStream()) {
            in.write(commands.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue("the container did not exit after its input ended", process.waitFor(120, TimeUnit.SECONDS));
        return new Run(process.exitValue(), Files.readString(home.resolve("stdout.txt")),
                Files.readString(home.resolve("stderr.txt")));
    }

    @Test
    public void pipedCommandsRunAndTheExitStatusSaysIfOneFailed() throws Exception {
        Path home = freshHome("script");
        Run ok = script(home, JAVA_17, "plugin:list\nhello:greet Ada\n");
        assertEquals(ok.toString(), 0, ok.exit);
        assertTrue(ok.toString(), ok.out.matches("(?s).*org\\.carehost\\.sample\\.hello\\s+\\S+\\s+ACTIVE\\s+1 active\\s+deploy.*"));
        assertTrue(ok.toString(), ok.out.contains("Hello, Ada, from a Carehost plugin!"));
        for (String dir : new String[] {"deploy", "etc", "data"}) {
            assertTrue(dir + " is laid out", Files.isDirectory(home.resolve(dir)));
        }
        assertTrue(Files.readString(home.resolve("etc/logback.xml")).contains("<!--"));

        Run failed = script(home, JAVA_17, "plugin:why no.such.plugin\nplugin:list\n");
        assertEquals(failed.toString(), 1, failed.exit);
        assertTrue(failed.toString(), failed.err.contains("No plugin named 'no.such.plugin'"));
        assertTrue("later commands still run", failed.out.contains("org.carehost.sample.hello"));
    }

    @Test
    public void gogoEchoFormatHelpAndExitWorkInAScript() throws Exception {
        Path home = freshHome("builtins");
        Run run = script(home, JAVA_17,
                "echo one two\nformat three\nhelp\nhelp plugin:why\nexit\nplugin:list\n");
        assertEquals(run.toString(), 0, run.exit);
        assertTrue("echo: " + run, run.out.lines().anyMatch("one two"::equals));
        assertTrue("format: " + run, run.out.lines().anyMatch("three"::equals));
        assertTrue("help lists the plugin commands and exit: " + run,
                run.out.contains("plugin:why") && run.out.contains("plugin:list") && run.out.contains("exit"));
        assertTrue("help plugin:why shows its description: " + run,
                run.out.contains("say why a plugin is not active"));
        assertTrue("help plugin:why shows its parameter: " + run,
                run.out.contains("plugin id, symbolic name, or a file name in the deploy folder"));
        assertFalse("no line runs after exit: " + run, run.out.contains("org.carehost.sample.hello"));

        Run failedThenExit = script(home, JAVA_17, "plugin:why no.such.plugin\nexit\necho not reached\n");
        assertEquals("exit keeps the status so far: " + failedThenExit, 1, failedThenExit.exit);
        assertFalse(failedThenExit.toString(), failedThenExit.out.contains("not reached"));

        Run status = script(home, JAVA_17, "exit 3\n");
        assertEquals("exit n exits with n: " + status, 3, status.exit);
    }

    @Test
    public void helpWorksAndExitStopsTheInteractiveShellAndTheContainer() throws Exception {
        Path home = freshHome("interactive");
        // A pipe that stays open: the shell is interactive (forced, there is no terminal here) and only exit ends it.
        Process process = new ProcessBuilder(JAVA_17, "-Dcarehost.console=interactive", "-jar", JAR.toString())
                .directory(home.toFile())
                .redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile())
                .start();
        Path log = home.resolve("data/log/carehost.log");
        try (OutputStream in = process.getOutputStream()) {
            awaitFile(process, log, "hello plugin activated");
            in.write("plugin:list\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitFile(process, home.resolve("stdout.txt"), "org.carehost.sample.hello");
            in.write("help plugin:why\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitFile(process, home.resolve("stdout.txt"), "say why a plugin is not active");
            in.write("exit\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue("exit did not stop the container:\n" + Files.readString(home.resolve("stdout.txt")),
                    process.waitFor(60, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
        assertEquals(Files.readString(home.resolve("stdout.txt")), 0, process.exitValue());
        assertTrue("the plugin was stopped cleanly", Files.readString(log).contains("hello plugin deactivated"));
    }

    /** Waits until {@code file} contains {@code text}, failing at once if the process ends first. */
    private static void awaitFile(Process process, Path file, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!(Files.exists(file) && Files.readString(file).contains(text))) {
            assertTrue("'" + text + "' did not appear in " + file.getFileName() + " (process alive: " + process.isAlive()
                    + ")", System.currentTimeMillis() < deadline && process.isAlive());
            Thread.sleep(50);
        }
    }

    @Test
    public void auditTailTakesACountAsTheIssueWritesItOrAfterDashN() throws Exception {
        Path home = freshHome("audit-tail");
        // A first start records the sample's lifecycle and the seed data: far more than five records.
        Run tail = script(home, JAVA_17, "audit:tail 2\naudit:tail -n 3\n");
        assertEquals(tail.toString(), 0, tail.exit);
        long rows = tail.out.lines().filter(line -> line.matches("\\s*\\d+\\s+\\d{4}-\\d\\d-\\d\\dT.*")).count();
        assertEquals(tail.toString(), 5, rows);

        Run bad = script(home, JAVA_17, "audit:tail 0\naudit:tail -x 3\n");
        assertEquals(bad.toString(), 1, bad.exit);
        assertTrue(bad.toString(), bad.err.contains("limit must be 1 to 1000, not 0"));
        assertTrue(bad.toString(), bad.err.contains("Unknown option -x"));
    }

    @Test
    public void pluginsAndTheirStatesSurviveRestartsAndAJdkChange() throws Exception {
        Path home = freshHome("restart");
        String greeter = BUNDLES.resolve("carehost-fixture-greeter-v1.jar").toString();
        Run first = script(home, JAVA_17, "plugin:install " + greeter + "\nplugin:stop org.carehost.sample.hello\nplugin:list\n");
        assertEquals(first.toString(), 0, first.exit);
        long greeterId = idOf(first.out, "org.carehost.fixture.greeter");
        long helloId = idOf(first.out, "org.carehost.sample.hello");

        for (String java : new String[] {JAVA_17, JAVA_25}) {
            Run again = script(home, java, "plugin:list\n");
            assertEquals(again.toString(), 0, again.exit);
            assertEquals("not reinstalled: " + again, greeterId, idOf(again.out, "org.carehost.fixture.greeter"));
            assertEquals("not reinstalled: " + again, helloId, idOf(again.out, "org.carehost.sample.hello"));
            assertEquals(again.toString(), "ACTIVE", stateOf(again.out, "org.carehost.fixture.greeter"));
            assertEquals("a stopped plugin stays stopped: " + again, "RESOLVED", stateOf(again.out, "org.carehost.sample.hello"));
        }
    }

    @Test
    public void aRefusedPluginStaysRefusedAcrossRestartsUntilGranted() throws Exception {
        Path home = freshHome("security");
        Files.copy(BUNDLES.resolve("carehost-fixture-evil-socket.jar"), home.resolve("deploy/socket.jar"));
        String plugin = "org.carehost.fixture.evil.socket";
        for (String java : new String[] {JAVA_17, JAVA_17, JAVA_25}) {
            Run run = script(home, java, "plugin:list\n");
            assertEquals(run.toString(), 0, run.exit);
            assertEquals("refused at every start, restarts included: " + run, "INSTALLED", stateOf(run.out, plugin));
            assertEquals(run.toString(), "ACTIVE", stateOf(run.out, "org.carehost.sample.hello"));
            assertTrue("the console says development mode at every start: " + run,
                    (run.out + run.err).contains("Security: DEVELOPMENT mode"));
        }
        Run why = script(home, JAVA_17, "plugin:why " + plugin + "\nsecurity:denials 5\n");
        assertTrue(why.toString(), why.out.contains("java.net.ServerSocket.<init>"));
        assertTrue(why.toString(), why.out.contains("use:network (declared but not granted"));

        Run granted = script(home, JAVA_17, "plugin:grant " + plugin + " use:network\nplugin:permissions " + plugin + "\n");
        assertEquals(granted.toString(), 0, granted.exit);
        assertTrue(granted.toString(), granted.out.contains("granted:  use:network"));
        assertTrue(Files.readString(home.resolve("etc/security/policy")).contains("grant plugin " + plugin + " use:network"));
        Run after = script(home, JAVA_25, "plugin:list\n");
        assertEquals("the grant is kept: " + after, "ACTIVE", stateOf(after.out, plugin));

        Run bad = script(home, JAVA_17, "plugin:grant " + plugin + " use:everything\nplugin:grant org.carehost.sample.hello use:files\n");
        assertEquals(bad.toString(), 1, bad.exit);
        assertTrue(bad.toString(), bad.err.contains("Unknown permission 'use:everything'"));
        assertTrue(bad.toString(), bad.err.contains("does not declare use:files"));
    }

    @Test
    public void sigtermStopsEveryBundleCleanly() throws Exception {
        Path home = freshHome("sigterm");
        Process process = start(home, JAVA_17);
        Path log = home.resolve("data/log/carehost.log");
        long deadline = System.currentTimeMillis() + 60_000;
        while (!(Files.exists(log) && Files.readString(log).contains("hello plugin activated"))) {
            assertTrue("the plugin did not start: " + Files.readString(home.resolve("stderr.txt")),
                    System.currentTimeMillis() < deadline && process.isAlive());
            Thread.sleep(50);
        }
        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String logged = Files.readString(log);
        assertTrue(logged, logged.contains("hello plugin deactivated"));
        assertTrue(logged, logged.contains("org.carehost.sample.hello") && logged.contains("STOPPED"));
        process.getOutputStream().close();
    }

    private static Matcher row(String table, String symbolicName) {
        Matcher row = Pattern.compile("(?m)^(\\d+)\\s+" + Pattern.quote(symbolicName) + "\\s+(\\S+)\\s+(\\S+)").matcher(table);
        assertTrue(symbolicName + " not listed in\n" + table, row.find());
        return row;
    }

    private static long idOf(String table, String symbolicName) {
        return Long.parseLong(row(table, symbolicName).group(1));
    }

    private static String stateOf(String table, String symbolicName) {
        return row(table, symbolicName).group(3);
    }
}
