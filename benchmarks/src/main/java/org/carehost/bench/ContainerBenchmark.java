package org.carehost.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Measures the executable container from the outside, as an operator sees it:
 * <ol>
 * <li>start time: a fresh working directory holding {@code deploy/hello.jar}, {@code plugin:list} piped to
 * standard input; time until the table shows the plugin ACTIVE (container up, deploy folder settled, shell
 * answering) and until the process exits;
 * <li>hot-deploy latency: one running container; time from an atomic rename of the plugin into
 * {@code deploy/} until the plugin's component logs that it is activated.
 * </ol>
 * Run from the repository root after {@code mvn install}; see {@code benchmarks/README.md}.
 */
public final class ContainerBenchmark {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration PAUSE_BETWEEN_DROPS = Duration.ofMillis(200);
    private static final String ACTIVATED = "hello plugin activated";
    private static final String DEACTIVATED = "hello plugin deactivated";

    private final Path java;
    private final Path containerJar;
    private final Path pluginJar;
    private final String pluginName;
    private final int starts;
    private final int drops;
    private final List<String> failures = new ArrayList<>();

    private ContainerBenchmark(Path java, Path containerJar, Path pluginJar, int starts, int drops) throws IOException {
        this.java = java;
        this.containerJar = containerJar;
        this.pluginJar = pluginJar;
        this.starts = starts;
        this.drops = drops;
        try (JarFile jar = new JarFile(pluginJar.toFile())) {
            // plugin:list rows and lifecycle log lines name the plugin by its symbolic name
            this.pluginName = jar.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].strip();
        }
    }

    public static void main(String[] args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jar = Path.of("target/carehost.jar");
        Path plugin = Path.of("target/deploy/hello.jar");
        int starts = 10;
        int drops = 30;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--java" -> java = Path.of(required(args[i], value));
                case "--jar" -> jar = Path.of(required(args[i], value));
                case "--plugin" -> plugin = Path.of(required(args[i], value));
                case "--starts" -> starts = Integer.parseInt(required(args[i], value));
                case "--drops" -> drops = Integer.parseInt(required(args[i], value));
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        for (Path file : List.of(java, jar, plugin)) {
            if (!Files.isRegularFile(file)) {
                usage(file + " not found (run from the repository root after mvn -q install -DskipTests)");
            }
        }
        if (starts < 1 || drops < 1) {
            usage("--starts and --drops must be at least 1");
        }
        // The container runs in temporary directories, so relative paths must not depend on its directory.
        System.exit(new ContainerBenchmark(java.toAbsolutePath(), jar.toAbsolutePath(), plugin.toAbsolutePath(),
                starts, drops).run());
    }

    private static String required(String option, String value) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("ContainerBenchmark: " + problem);
        System.err.println("usage: ContainerBenchmark [--starts N] [--drops N] [--java PATH] [--jar PATH] [--plugin PATH]");
        System.exit(2);
    }

    private int run() throws Exception {
        String jdk = jdkVersion();
        System.out.printf("Container %s, plugin %s (%s)%n", containerJar, pluginJar, pluginName);
        System.out.printf("JDK %s%n", jdk);

        List<Double> toActive = new ArrayList<>();
        List<Double> toExit = new ArrayList<>();
        for (int i = 1; i <= starts; i++) {
            System.out.printf("start %d/%d%n", i, starts);
            measureStart(toActive, toExit);
        }
        List<Double> deploy = new ArrayList<>();
        measureHotDeploy(deploy);

        System.out.println();
        System.out.printf("JDK %s%n", jdk);
        System.out.printf("%-40s %4s %9s %9s %9s %9s%n", "measurement (ms)", "n", "median", "p95", "min", "max");
        row("start: process start -> plugin ACTIVE", toActive);
        row("start: process start -> process exit", toExit);
        row("hot deploy: rename -> activated", deploy);
        failures.forEach(failure -> System.out.println("FAILED: " + failure));
        return failures.isEmpty() ? 0 : 1;
    }

    /** One cold start in a fresh directory: the Felix cache, etc/ and data/ are all created on the way. */
    private void measureStart(List<Double> toActive, List<Double> toExit) throws Exception {
        Path home = Files.createTempDirectory("carehost-bench-start-");
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(pluginJar, home.resolve("deploy/hello.jar"));
        ProcessBuilder builder = container(home).redirectError(home.resolve("stderr.log").toFile());

        long started = System.nanoTime();
        Process process = builder.start();
        try {
            LineWatcher stdout = new LineWatcher(process.getInputStream(), "start-stdout");
            // stdin is a pipe, so the container runs it as a script once deploy/ is settled, then exits at its end
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write("plugin:list\n".getBytes(Charset.defaultCharset()));
            }
            long active = stdout.awaitNth(this::isActiveRow, 1, WAIT, pluginName + " ACTIVE in plugin:list");
            long exited = awaitExit(process);
            if (process.exitValue() != 0) {
                failures.add("start: container exited with status " + process.exitValue() + " (see " + home + "/stderr.log)");
                return;
            }
            toActive.add(millis(active - started));
            toExit.add(millis(exited - started));
            deleteTree(home);
        } catch (TimeoutException e) {
            failures.add("start: " + e.getMessage() + " (kept " + home + ")");
        } finally {
            process.destroyForcibly();
        }
    }

    private boolean isActiveRow(String line) {
        List<String> columns = Arrays.asList(line.strip().split("\\s+"));
        return columns.contains(pluginName) && columns.contains("ACTIVE");
    }

    /** One long-running container; the plugin is dropped in and removed again, one warm-up drop first. */
    private void measureHotDeploy(List<Double> latencies) throws Exception {
        Path home = Files.createTempDirectory("carehost-bench-deploy-");
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        // Staged beside deploy/, on the same file system, so the rename is atomic: the file watcher can never
        // see a half-written jar, and the copy's own duration stays out of the measurement.
        Path staging = Files.createDirectories(home.resolve("staging"));
        ProcessBuilder builder = container(home);

        Process process = builder.start();
        OutputStream stdin = process.getOutputStream();
        try {
            LineWatcher stdout = new LineWatcher(process.getInputStream(), "deploy-stdout");
            LineWatcher stderr = new LineWatcher(process.getErrorStream(), "deploy-stderr");
            // Any answer to plugin:list means the shell runs, which the container allows only once deploy/
            // is settled, so the file watcher is polling before the first drop. stdin stays open: the
            // container keeps running until it is closed.
            stdin.write("plugin:list\n".getBytes(Charset.defaultCharset()));
            stdin.flush();
            stdout.awaitNth(line -> !line.isBlank(), 1, WAIT, "the shell's answer to plugin:list");

            Predicate<String> activated = line -> line.contains(ACTIVATED);
            Predicate<String> deactivated = line -> line.contains(DEACTIVATED);
            Predicate<String> uninstalled = line -> line.contains("Plugin " + pluginName + " ") && line.strip().endsWith(" UNINSTALLED");
            for (int drop = 0; drop <= drops; drop++) {
                Path staged = Files.copy(pluginJar, staging.resolve("hello.jar.tmp"), StandardCopyOption.REPLACE_EXISTING);
                Path target = deploy.resolve("hello.jar");
                int activations = stderr.count(activated);
                long renamed = System.nanoTime();
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
                long active = stderr.awaitNth(activated, activations + 1, WAIT, "'" + ACTIVATED + "' after drop " + drop);
                if (drop > 0) { // drop 0 warms up the JIT and class loading on the deploy path
                    latencies.add(millis(active - renamed));
                }

                int deactivations = stderr.count(deactivated);
                int uninstalls = stderr.count(uninstalled);
                Files.delete(target);
                stderr.awaitNth(deactivated, deactivations + 1, WAIT, "'" + DEACTIVATED + "' after drop " + drop);
                stderr.awaitNth(uninstalled, uninstalls + 1, WAIT, pluginName + " UNINSTALLED after drop " + drop);
                // lets the work that follows an uninstall (package refresh, the watcher's next polls) finish,
                // so it does not overlap the next drop
                Thread.sleep(PAUSE_BETWEEN_DROPS.toMillis());
            }
            stdin.close();
            awaitExit(process);
            deleteTree(home);
        } catch (TimeoutException e) {
            failures.add("hot deploy: " + e.getMessage() + " (kept " + home + ")");
        } finally {
            stdin.close();
            process.destroyForcibly();
        }
    }

    private ProcessBuilder container(Path home) {
        return new ProcessBuilder(java.toString(), "-jar", containerJar.toString()).directory(home.toFile());
    }

    private static long awaitExit(Process process) throws InterruptedException, TimeoutException {
        if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("timed out after " + WAIT.toSeconds() + " s waiting for the container to exit");
        }
        return System.nanoTime();
    }

    /** The target JVM's version, which may differ from the one running the benchmark. */
    private String jdkVersion() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(java.toString(), "-XshowSettings:properties", "-version")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), Charset.defaultCharset());
        process.waitFor();
        return property(output, "java.runtime.version") + " (" + property(output, "java.vendor") + ", " + java + ")";
    }

    private static String property(String settings, String name) {
        return settings.lines().map(String::strip).filter(line -> line.startsWith(name + " = "))
                .map(line -> line.substring(name.length() + 3)).findFirst().orElse("?");
    }

    private static void row(String name, List<Double> samples) {
        if (samples.isEmpty()) {
            System.out.printf(Locale.ROOT, "%-40s %4d %9s %9s %9s %9s%n", name, 0, "-", "-", "-", "-");
            return;
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double p95 = sorted[(int) Math.ceil(0.95 * n) - 1]; // nearest rank: no interpolation beyond the data
        System.out.printf(Locale.ROOT, "%-40s %4d %9.1f %9.1f %9.1f %9.1f%n", name, n, median, p95, sorted[0], sorted[n - 1]);
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
