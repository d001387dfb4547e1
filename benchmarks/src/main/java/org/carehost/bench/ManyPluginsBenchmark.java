package org.carehost.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The container with many plugins (issue 16's 500): {@code --plugins N} (500) small plugins, copies of the hello
 * sample under their own symbolic names, in {@code deploy/} of a fresh folder, and the built {@code carehost.jar}
 * started as a script runs it, its standard input kept open:
 * <ul>
 * <li>first start: from process start until the first {@code echo} comes back (script mode runs the first command
 * only once the container is ready: every plugin installed and started, the listeners up);
 * <li>{@code plugin:list} of all of them: {@code --rounds} (20) times, each from writing the line until an {@code echo}
 * written after it comes back (the bare echo round trip is measured alongside, part of each figure);
 * <li>hot deploy with N installed: {@code --drops} (20) more copies, each renamed into {@code deploy/} (as the README's
 * copy-then-rename), from the rename until the log has one more "hello plugin activated";
 * <li>warm start: the same folder started again, to the first echo.
 * </ul>
 * HTTP and SSH take any free port. Run from the repository root after {@code mvn install}; see
 * {@code benchmarks/README.md}.
 */
public final class ManyPluginsBenchmark {

    private static final Duration WAIT = Duration.ofMinutes(10);
    private static final String ACTIVATED = "hello plugin activated";

    private final Process process;
    private final OutputStream stdin;
    private final LineWatcher stdout;
    private final LineWatcher stderr;
    private int marker;

    private ManyPluginsBenchmark(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdout = new LineWatcher(process.getInputStream(), "many-stdout");
        this.stderr = new LineWatcher(process.getErrorStream(), "many-stderr");
    }

    public static void main(String[] args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jar = Path.of("target/carehost.jar").toAbsolutePath();
        Path hello = Path.of("target/deploy/hello.jar").toAbsolutePath();
        int plugins = 500;
        int rounds = 20;
        int drops = 20;
        String jvm = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--plugins" -> plugins = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--drops" -> drops = Integer.parseInt(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]).toAbsolutePath();
                case "--java" -> java = Path.of(args[++i]);
                case "--plugin" -> hello = Path.of(args[++i]).toAbsolutePath();
                case "--jvm" -> jvm = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--plugins N, --rounds N, --drops N, --jar PATH, --java PATH, --plugin PATH,"
                        + " --jvm 'OPTIONS', {run} in them replaced by first or warm)");
            }
        }
        Path home = Files.createTempDirectory("carehost-bench-many-");
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        for (int i = 0; i < plugins; i++) {
            StartFloorBenchmark.renamed(hello, deploy.resolve(String.format(Locale.ROOT, "many-%04d.jar", i)),
                    "com.example.bench.many" + i);
        }
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=0\n");
        List<String> command = command(java, jvm, "first", jar);

        long started = System.nanoTime();
        ManyPluginsBenchmark first = new ManyPluginsBenchmark(
                new ProcessBuilder(command).directory(home.toFile()).start());
        double firstStart;
        List<Double> echo = new ArrayList<>();
        List<Double> list = new ArrayList<>();
        List<Double> deploys = new ArrayList<>();
        try {
            firstStart = (first.timeEcho(null, started) - started) / 1e6;
            for (int i = 0; i < rounds; i++) {
                echo.add(first.time(null));
                list.add(first.time("plugin:list"));
            }
            int listed = first.stdout.count(line -> line.matches("\\d+\\s+com\\.example\\.bench\\.many\\d+\\s.*"));
            if (listed < plugins * rounds) {
                throw new IllegalStateException("plugin:list showed " + listed + " rows of " + plugins * rounds);
            }
            Path log = home.resolve("data/log/carehost.log");
            for (int i = 0; i < drops; i++) {
                Path hidden = deploy.resolve(".drop-" + i + ".jar");
                StartFloorBenchmark.renamed(hello, hidden, "com.example.bench.drop" + i);
                long size = Files.size(log);
                long dropped = System.nanoTime();
                Files.move(hidden, deploy.resolve("drop-" + i + ".jar"), StandardCopyOption.ATOMIC_MOVE);
                deploys.add((awaitActivation(log, size) - dropped) / 1e6);
            }
        } finally {
            first.stdin.close();
            first.process.waitFor(120, TimeUnit.SECONDS);
            first.process.destroyForcibly();
        }
        long warmStarted = System.nanoTime();
        ManyPluginsBenchmark warm = new ManyPluginsBenchmark(
                new ProcessBuilder(command(java, jvm, "warm", jar)).directory(home.toFile()).start());
        double warmStart;
        try {
            warmStart = (warm.timeEcho(null, warmStarted) - warmStarted) / 1e6;
        } finally {
            warm.stdin.close();
            warm.process.waitFor(120, TimeUnit.SECONDS);
            warm.process.destroyForcibly();
        }
        System.out.printf(Locale.ROOT, "%d plugins (%s), %s%n", plugins, home, java);
        System.out.printf(Locale.ROOT, "first start to the first command answered   %9.0f ms%n", firstStart);
        System.out.printf(Locale.ROOT, "warm start to the first command answered    %9.0f ms%n", warmStart);
        System.out.printf(Locale.ROOT, "echo round trip, median of %d               %9.1f ms%n", rounds, Samples.median(echo));
        System.out.printf(Locale.ROOT, "plugin:list of %d, median of %d (max)       %9.1f ms (%.1f)%n", plugins, rounds,
                Samples.median(list), Collections.max(list));
        System.out.printf(Locale.ROOT, "hot deploy with %d installed: median %.1f ms, p95 %.1f ms (%d drops)%n",
                plugins, Samples.median(deploys), Samples.percentile(deploys, 0.95), drops);
    }

    /** The container's command line: {@code jvm} split at white space, {@code {run}} in it replaced by {@code run}. */
    private static List<String> command(Path java, String jvm, String run, Path jar) {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Dorg.osgi.service.http.port=0"));
        for (String option : jvm.strip().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option.replace("{run}", run));
            }
        }
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    /** Runs {@code command} (none: only the echo) and returns ms until the echo after it is printed. */
    private double time(String command) throws IOException, InterruptedException, TimeoutException {
        long start = System.nanoTime();
        return (timeEcho(command, start) - start) / 1e6;
    }

    /** Writes {@code command} and an echo; returns the nano time the echo came back. */
    private long timeEcho(String command, long start) throws IOException, InterruptedException, TimeoutException {
        String mark = "@@mark-" + (++marker);
        int errors = stderr.count(line -> line.startsWith("Error:"));
        stdin.write(((command == null ? "" : command + "\n") + "echo " + mark + "\n").getBytes(Charset.defaultCharset()));
        stdin.flush();
        long end = stdout.awaitNth(line -> line.strip().equals(mark), 1, WAIT, mark + " after " + command);
        if (stderr.count(line -> line.startsWith("Error:")) > errors) {
            throw new IllegalStateException(command + " failed: " + String.join("\n", stderr.all()));
        }
        return end;
    }

    /**
     * Waits until the log has one more activation after {@code position} (its size before the drop), reading only what
     * was appended (the log of N plugin starts is large); the nano time it saw it.
     */
    private static long awaitActivation(Path log, long position) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(log.toFile(), "r")) {
            StringBuilder pending = new StringBuilder();
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no activation within " + WAIT);
                }
                long length = file.length();
                if (length <= position) {
                    Thread.sleep(1);
                    continue;
                }
                byte[] added = new byte[(int) (length - position)];
                file.seek(position);
                file.readFully(added);
                position = length;
                pending.append(new String(added, java.nio.charset.StandardCharsets.UTF_8));
                int end;
                while ((end = pending.indexOf("\n")) >= 0) {
                    if (pending.substring(0, end).contains(ACTIVATED)) {
                        return System.nanoTime();
                    }
                    pending.delete(0, end + 1);
                }
            }
        }
    }
}
