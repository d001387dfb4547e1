package org.carehost.itest;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code target/carehost.jar} as an operator does: in a working directory of its own, fed standard input. */
final class CarehostProcess {

    static final Path JAR = Paths.get(System.getProperty("carehost.jar"));
    static final Path BUNDLES = Paths.get(System.getProperty("carehost.bundles"));

    private CarehostProcess() {
    }

    /** The {@code java} of the JVM running the test. */
    static String thisJava() {
        return javaIn(System.getProperty("java.home"));
    }

    static String javaIn(String home) {
        return Paths.get(home, "bin", "java").toString();
    }

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

    /**
     * {@link #freshHome}, with the SSH and HTTP listeners on ports of their own: the default ports may be another
     * process's on this machine (an ERROR line on the console).
     */
    static Path freshHomeOnOwnPorts(String name) throws IOException {
        Path home = freshHome(name);
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=0\n");
        Files.writeString(home.resolve("etc/org.carehost.http.listener.cfg"), "port=" + LoopbackPorts.free() + "\n");
        return home;
    }

    /** A new working directory with the sample {@code hello} in its deploy folder. */
    static Path freshHome(String name) throws IOException {
        Path home = Files.createDirectories(Paths.get(System.getProperty("carehost.work")))
                .resolve(name + "-" + System.nanoTime());
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(BUNDLES.resolve("carehost-sample-hello.jar"), home.resolve("deploy/hello.jar"));
        return home;
    }

    /**
     * JVM options of every container process a test starts: the client compiler only and the serial collector, which
     * start the JVM about a quarter faster on this 2-core machine (8.8 s against 6.5 s for a piped {@code plugin:list},
     * measured side by side). The tests check behaviour, not speed; carehost.jar's own defaults are not changed.
     */
    static final List<String> TEST_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    /**
     * JVM options of a container process that hashes passwords (PBKDF2-HMAC-SHA256, 600,000 rounds, at each
     * {@code user:add} and password login): the serial collector, but the full JIT. Under the client compiler alone one
     * hash takes about 4 s on this machine against about 0.35 s with C2 (1.5 s for the first), measured side by side
     * at load 2.5, which outweighs the slower start many times over in a test that makes a few accounts and logs in.
     */
    static final List<String> LOGIN_JVM_OPTIONS = List.of("-XX:+UseSerialGC");

    static Process start(Path home, String java, String... jvmOptions) throws IOException {
        return start(TEST_JVM_OPTIONS, home, java, jvmOptions);
    }

    /** {@link #start} for a container that hashes passwords: with {@link #LOGIN_JVM_OPTIONS}. */
    static Process startForLogins(Path home, String java, String... jvmOptions) throws IOException {
        return start(LOGIN_JVM_OPTIONS, home, java, jvmOptions);
    }

    /**
     * {@link #start}, in a process allowed at most {@code descriptors} open file descriptors (bash's {@code ulimit -n},
     * soft and hard: the JVM raises its soft limit to the hard one).
     */
    static Process startWithDescriptorLimit(Path home, String java, int descriptors) throws IOException {
        return start(List.of("bash", "-c", "ulimit -n " + descriptors + " && exec \"$0\" \"$@\""), TEST_JVM_OPTIONS,
                home, java);
    }

    private static Process start(List<String> testOptions, Path home, String java, String... jvmOptions)
            throws IOException {
        return start(List.of(), testOptions, home, java, jvmOptions);
    }

    private static Process start(List<String> prefix, List<String> testOptions, Path home, String java,
            String... jvmOptions) throws IOException {
        assertTrue("no JDK at " + java, new File(java).canExecute());
        List<String> command = new ArrayList<>(prefix);
        command.add(java);
        command.addAll(testOptions);
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", JAR.toString()));
        return new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile())
                .start();
    }

    /**
     * A line of a container's console as the plugin printed it: the console marks what a plugin prints as
     * {@code plugin <symbolic name>: <line>} (the launcher's PluginPrints); other lines are given as they are.
     */
    static String printed(String line) {
        if (line.startsWith("plugin ")) {
            int colon = line.indexOf(": ");
            return colon < 0 ? line : line.substring(colon + 2);
        }
        return line;
    }

    /** Runs the container with {@code commands} piped in, until it exits. */
    static Run script(Path home, String java, String commands) throws Exception {
        return script(TEST_JVM_OPTIONS, home, java, commands);
    }

    /** {@link #scriptAsShipped} with these JVM options only (a framework property, say). */
    static Run scriptAsShipped(Path home, String java, String commands, String... jvmOptions) throws Exception {
        return script(List.of(jvmOptions), home, java, commands);
    }

    /**
     * {@link #script} as the README runs it: {@code java -jar carehost.jar} and nothing else (the agent started by the
     * jar's Launcher-Agent-Class alone, the JVM's default collector and compilers).
     */
    static Run scriptAsShipped(Path home, String java, String commands) throws Exception {
        return scriptAsShipped(home, java, commands, new String[0]);
    }

    private static Run script(List<String> options, Path home, String java, String commands) throws Exception {
        Process process = start(options, home, java);
        try {
            return finish(process, home, commands);
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * Writes {@code commands} to the standard input of a container started with {@link #start} in {@code home},
     * closes it (the script ends there), waits up to 120 s for the container to exit (a start on a loaded machine takes
     * a while) and gives what it printed. The caller ends the process in a {@code finally} of its own.
     */
    static Run finish(Process process, Path home, String commands) throws Exception {
        try (OutputStream in = process.getOutputStream()) {
            in.write(commands.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue("the container did not exit after its input ended", process.waitFor(120, TimeUnit.SECONDS));
        return ended(process, home);
    }

    /** What a container started with {@link #start} in {@code home} printed, once it has exited. */
    static Run ended(Process process, Path home) throws IOException {
        return new Run(process.exitValue(), Files.readString(home.resolve("stdout.txt")),
                Files.readString(home.resolve("stderr.txt")));
    }

    /** Waits until {@code file} contains {@code text}, failing at once if the process ends first. */
    static void awaitFile(Process process, Path file, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000; // a start on a loaded machine takes a while
        while (!(Files.exists(file) && Files.readString(file).contains(text))) {
            assertTrue("'" + text + "' did not appear in " + file.getFileName() + " (process alive: " + process.isAlive()
                    + ")", System.currentTimeMillis() < deadline && process.isAlive());
            Thread.sleep(50);
        }
    }

    private static Matcher row(String table, String symbolicName) {
        Matcher row = Pattern.compile("(?m)^(\\d+)\\s+" + Pattern.quote(symbolicName) + "\\s+(\\S+)\\s+(\\S+)").matcher(table);
        assertTrue(symbolicName + " not listed in\n" + table, row.find());
        return row;
    }

    static long idOf(String table, String symbolicName) {
        return Long.parseLong(row(table, symbolicName).group(1));
    }

    static String stateOf(String table, String symbolicName) {
        return row(table, symbolicName).group(3);
    }
}
