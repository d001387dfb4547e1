package org.carehost.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarFile;

/**
 * Measures the executable container from the outside, as an operator sees it:
 * <ol>
 * <li>start time: a fresh working directory holding {@code deploy/hello.jar}, {@code plugin:list} piped to
 * standard input; time until the table shows the plugin ACTIVE (container up, deploy folder settled, shell
 * answering) and until the process exits;
 * <li>hot-deploy latency: one running container; time from an atomic rename of the plugin into
 * {@code deploy/} until the plugin's component logs that it is activated, and from the deploy watcher's "Installing
 * bundle" line until then (without the wait for the watcher's next poll, 0 to 50 ms, which is most of the first
 * figure's scatter).
 * </ol>
 * With {@code --warm}, every start after a first one (not measured) runs in the same working directory, as an
 * operator's restart does: the framework's bundle cache, the store and the agent's cache of hooked classes are there.
 * With {@code --agent-compare}, the run-time enforcement agent's cost side by side: every start is paired with one
 * under {@code -Dcarehost.agent=off} (the JDK then starts the agent, which installs nothing), the order alternating
 * pair by pair (on/off, off/on, ...), each in a fresh working directory set up the same way; for hot deploy two
 * containers run at once, one with the agent and one without, and the drops alternate between them the same way, so
 * that both see the same machine noise. Medians of each and the on/off ratio are printed.
 * Run from the repository root after {@code mvn install}; see {@code benchmarks/README.md}.
 */
public final class ContainerBenchmark {

    private static final Duration WAIT = ContainerLaunch.WAIT;
    /** What the container says when a script line runs before the shell's commands are registered. */
    static final String RACE = "Command not found";
    /** A start whose script ran too early: the output ended without the plugin ACTIVE. */
    private static final String PREMATURE = "output ended waiting for";
    private static final int START_ATTEMPTS = 4;

    private final ContainerLaunch launch;
    private final Path pluginJar;
    private final String pluginName;
    private final int starts;
    private final int drops;
    private final boolean compare;
    private final boolean warm;
    /** With {@code --warm}: the working directories started again and again, agent on [0] and off [1]. */
    private final Path[] warmHomes = new Path[2];
    private final List<String> failures = new ArrayList<>();

    private ContainerBenchmark(Path java, Path containerJar, Path pluginJar, int starts, int drops, boolean compare,
            boolean warm) throws IOException {
        this.launch = new ContainerLaunch(java, containerJar, compare);
        this.pluginJar = pluginJar;
        this.starts = starts;
        this.drops = drops;
        this.compare = compare;
        this.warm = warm;
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
        boolean compare = false;
        boolean warm = false;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (args[i].equals("--warm")) {
                warm = true;
                continue;
            }
            if (args[i].equals("--agent-compare")) {
                compare = true;
                continue;
            }
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
        ContainerBenchmark benchmark = new ContainerBenchmark(java.toAbsolutePath(), jar.toAbsolutePath(),
                plugin.toAbsolutePath(), starts, drops, compare, warm);
        int status = benchmark.run();
        if (status == 0) {
            for (Path home : benchmark.warmHomes) {
                if (home != null) {
                    Samples.deleteTree(home);
                }
            }
        }
        System.exit(status);
    }

    private static String required(String option, String value) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("ContainerBenchmark: " + problem);
        System.err.println("usage: ContainerBenchmark [--starts N] [--drops N] [--java PATH] [--jar PATH] [--plugin PATH]"
                + " [--agent-compare] [--warm]");
        System.exit(2);
    }

    private int run() throws Exception {
        String jdk = jdkVersion();
        System.out.printf("Container %s, plugin %s (%s)%n", launch.containerJar(), pluginJar, pluginName);
        System.out.printf("JDK %s%s%n", jdk, warm ? "; warm starts (a folder started once before, not measured)" : "");
        if (compare) {
            return compare(jdk);
        }

        List<Double> toActive = new ArrayList<>();
        List<Double> toExit = new ArrayList<>();
        for (int i = 1; i <= starts; i++) {
            System.out.printf("start %d/%d%n", i, starts);
            measureStart(toActive, toExit, false);
        }
        List<Double> deploy = new ArrayList<>();
        List<Double> installs = new ArrayList<>();
        measureHotDeploy(deploy, installs);

        System.out.println();
        System.out.printf("JDK %s%n", jdk);
        System.out.printf("%-40s %4s %9s %9s %9s %9s%n", "measurement (ms)", "n", "median", "p95", "min", "max");
        row("start: process start -> plugin ACTIVE", toActive);
        row("start: process start -> process exit", toExit);
        row("hot deploy: rename -> activated", deploy);
        row("hot deploy: installing -> activated", installs);
        failures.forEach(failure -> System.out.println("FAILED: " + failure));
        return failures.isEmpty() ? 0 : 1;
    }

    /**
     * The agent on and off side by side: {@code starts} pairs of starts and {@code drops} pairs of drops, the order
     * within a pair alternating (on/off, off/on, ...) so that neither side always goes first.
     */
    private int compare(String jdk) throws Exception {
        List<Double> onActive = new ArrayList<>();
        List<Double> onExit = new ArrayList<>();
        List<Double> offActive = new ArrayList<>();
        List<Double> offExit = new ArrayList<>();
        int retried = 0;
        for (int i = 1; i <= starts; i++) {
            List<double[]> pair = new ArrayList<>();
            for (boolean off : order(i)) {
                double[] times = null;
                for (int attempt = 1; attempt <= START_ATTEMPTS && times == null; attempt++) {
                    System.out.printf("start %d/%d, agent %s%s%n", i, starts, off ? "off" : "on",
                            attempt > 1 ? ", again" : "");
                    List<Double> active = new ArrayList<>();
                    List<Double> exit = new ArrayList<>();
                    int failed = failures.size();
                    measureStart(active, exit, off);
                    if (!active.isEmpty()) {
                        times = new double[] {active.get(0), exit.get(0)};
                    } else if (failures.size() > failed && failures.get(failures.size() - 1).contains(PREMATURE)
                            && attempt < START_ATTEMPTS) {
                        // the script ran before the shell's commands were registered, or before the plugin was
                        // active: container races that heavy load brings out; not a cost of the agent, so the start
                        // is repeated (and counted) rather than lost
                        System.out.println("  " + failures.remove(failures.size() - 1));
                        retried++;
                    }
                }
                pair.add(times);
            }
            if (pair.contains(null)) {
                continue; // only complete pairs are compared
            }
            boolean offFirst = order(i)[0];
            double[] on = pair.get(offFirst ? 1 : 0);
            double[] off = pair.get(offFirst ? 0 : 1);
            onActive.add(on[0]);
            onExit.add(on[1]);
            offActive.add(off[0]);
            offExit.add(off[1]);
        }

        List<Double> onDeploy = new ArrayList<>();
        List<Double> offDeploy = new ArrayList<>();
        List<Double> onInstall = new ArrayList<>();
        List<Double> offInstall = new ArrayList<>();
        try (DeploySession on = new DeploySession(launch, pluginJar, pluginName, false, failures); DeploySession off = new DeploySession(launch, pluginJar, pluginName, true, failures)) {
            System.out.println("hot deploy: two containers, agent on and off, drops alternating");
            on.drop(); // warm-up drops: the JIT and class loading on the deploy path
            off.drop();
            for (int i = 1; i <= drops; i++) {
                for (boolean agentOff : order(i)) {
                    double[] latency = (agentOff ? off : on).drop();
                    (agentOff ? offDeploy : onDeploy).add(latency[0]);
                    (agentOff ? offInstall : onInstall).add(latency[1]);
                }
            }
        } catch (TimeoutException e) {
            failures.add("hot deploy: " + e.getMessage());
        }

        System.out.println();
        System.out.printf("JDK %s; agent on: java -jar carehost.jar; off: java -Dcarehost.agent=off -jar carehost.jar%n", jdk);
        System.out.printf("%-40s %4s %10s %10s %8s %14s%n", "measurement (ms, medians)", "n", "agent on", "agent off",
                "on/off", "paired on/off");
        compareRow("start: process start -> plugin ACTIVE", onActive, offActive);
        compareRow("start: process start -> process exit", onExit, offExit);
        compareRow("hot deploy: rename -> activated", onDeploy, offDeploy);
        compareRow("hot deploy: installing -> activated", onInstall, offInstall);
        System.out.println("on/off: ratio of the medians; paired on/off: median of the ratios within each pair");
        System.out.println();
        System.out.printf("%-40s %4s %9s %9s %9s %9s%n", "measurement (ms)", "n", "median", "p95", "min", "max");
        row("start -> ACTIVE, agent on", onActive);
        row("start -> ACTIVE, agent off", offActive);
        row("start -> exit, agent on", onExit);
        row("start -> exit, agent off", offExit);
        row("hot deploy, agent on", onDeploy);
        row("hot deploy, agent off", offDeploy);
        row("installing -> activated, agent on", onInstall);
        row("installing -> activated, agent off", offInstall);
        if (retried > 0) {
            System.out.printf("%d start(s) repeated: the script ran before the shell's commands were registered or "
                    + "before the plugin was active%n", retried);
        }
        failures.forEach(failure -> System.out.println("FAILED: " + failure));
        return failures.isEmpty() ? 0 : 1;
    }

    /** Pair {@code i} (1-based): the agent on first in odd pairs, off first in even ones. */
    private static boolean[] order(int i) {
        return i % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false};
    }

    private static void compareRow(String name, List<Double> on, List<Double> off) {
        int pairs = Math.min(on.size(), off.size());
        if (pairs == 0) {
            System.out.printf(Locale.ROOT, "%-40s %4d %10s %10s %8s %14s%n", name, 0, "-", "-", "-", "-");
            return;
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            ratios.add(on.get(i) / off.get(i));
        }
        double medianOn = Samples.median(on);
        double medianOff = Samples.median(off);
        System.out.printf(Locale.ROOT, "%-40s %4d %10.1f %10.1f %8.3f %14.3f%n", name, pairs, medianOn, medianOff,
                medianOn / medianOff, Samples.median(ratios));
    }

    /**
     * One start: in a fresh directory (the Felix cache, etc/ and data/ are all created on the way), or with
     * {@code --warm} in the side's directory, made and started once (not measured) the first time.
     */
    private void measureStart(List<Double> toActive, List<Double> toExit, boolean agentOff) throws Exception {
        if (!warm) {
            measureStart(freshHome(), toActive, toExit, agentOff, true);
            return;
        }
        int side = agentOff ? 1 : 0;
        if (warmHomes[side] == null) {
            Path home = freshHome();
            List<Double> active = new ArrayList<>();
            measureStart(home, active, new ArrayList<>(), agentOff, false);
            if (active.isEmpty()) {
                return; // the failure is noted; the next start tries a fresh folder again
            }
            warmHomes[side] = home;
        }
        measureStart(warmHomes[side], toActive, toExit, agentOff, false);
    }

    private Path freshHome() throws IOException {
        Path home = Files.createTempDirectory("carehost-bench-start-");
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(pluginJar, home.resolve("deploy/hello.jar"));
        return home;
    }

    private void measureStart(Path home, List<Double> toActive, List<Double> toExit, boolean agentOff,
            boolean delete) throws Exception {
        ProcessBuilder builder = launch.builder(home, agentOff).redirectError(home.resolve("stderr.log").toFile());

        long started = System.nanoTime();
        Process process = builder.start();
        try {
            LineWatcher stdout = new LineWatcher(process.getInputStream(), "start-stdout");
            // stdin is a pipe, so the container runs it as a script once deploy/ is settled, then exits at its end
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write("plugin:list\n".getBytes(Charset.defaultCharset()));
            }
            long active = stdout.awaitNth(this::isActiveRow, 1, WAIT, pluginName + " ACTIVE in plugin:list");
            long exited = ContainerLaunch.awaitExit(process);
            if (process.exitValue() != 0) {
                failures.add("start: container exited with status " + process.exitValue() + " (see " + home + "/stderr.log)");
                return;
            }
            String agentProblem = launch.agentProblem(Files.readString(home.resolve("stderr.log"), Charset.defaultCharset()),
                    agentOff);
            if (agentProblem != null) {
                failures.add("start: " + agentProblem + " (kept " + home + ")");
                return;
            }
            toActive.add(millis(active - started));
            toExit.add(millis(exited - started));
            if (delete) {
                Samples.deleteTree(home);
            }
        } catch (TimeoutException e) {
            String stderr = Files.readString(home.resolve("stderr.log"), Charset.defaultCharset());
            failures.add("start: " + e.getMessage() + (stderr.contains(RACE) ? " (the shell said '" + RACE + "')" : "")
                    + " (kept " + home + ")");
        } finally {
            process.destroyForcibly();
        }
    }

    private boolean isActiveRow(String line) {
        List<String> columns = Arrays.asList(line.strip().split("\\s+"));
        return columns.contains(pluginName) && columns.contains("ACTIVE");
    }

    /** One long-running container; the plugin is dropped in and removed again, one warm-up drop first. */
    private void measureHotDeploy(List<Double> latencies, List<Double> installs) throws Exception {
        try (DeploySession session = new DeploySession(launch, pluginJar, pluginName, false, failures)) {
            session.drop(); // drop 0 warms up the JIT and class loading on the deploy path
            for (int drop = 1; drop <= drops; drop++) {
                double[] latency = session.drop();
                latencies.add(latency[0]);
                installs.add(latency[1]);
            }
        } catch (TimeoutException e) {
            failures.add("hot deploy: " + e.getMessage());
        }
    }

    /** The target JVM's version, which may differ from the one running the benchmark. */
    private String jdkVersion() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(launch.java().toString(), "-XshowSettings:properties", "-version")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), Charset.defaultCharset());
        process.waitFor();
        return property(output, "java.runtime.version") + " (" + property(output, "java.vendor") + ", " + launch.java() + ")";
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
        System.out.printf(Locale.ROOT, "%-40s %4d %9.1f %9.1f %9.1f %9.1f%n", name, samples.size(),
                Samples.median(samples), Samples.percentile(samples, 0.95), Collections.min(samples),
                Collections.max(samples));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
