package org.carehost.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Start time of the container against the floor an OSGi shell cannot go below: bare Felix 7.0.5 with Gogo and
 * FileInstall (the recipe of issue 16, laid out by the build in {@code benchmarks/target/felix-floor}), both started
 * as a script runs them, side by side in one run, paired:
 * <ul>
 * <li>warm start: {@code echo plugin:list | java -jar carehost.jar} in an initialised folder with the five samples,
 * against {@code echo lb | java -jar bin/felix.jar} with its cache kept;
 * <li>first start: the same in a fresh folder (the container's {@code data/} and {@code etc/} removed, Felix's cache
 * removed).
 * </ul>
 * Wall time and peak RSS ({@code /usr/bin/time}) per start, medians and the ratio of medians; and for the container a
 * phase timeline read off its log file: JVM start → first log line (framework and logging up) → store ready →
 * last plugin STARTED → command ran and the process exited. {@code --plugins N} adds N plugins to the container's
 * folder (copies of the hello sample under their own symbolic names; the floor gets none, it cannot run them).
 * The container's HTTP and SSH listeners take any free port (HTTP port 0, {@code etc/org.carehost.ssh.cfg} port=0), so
 * that another process on the machine holding 8181 or 8101 does not make its start cheaper (a listener that cannot
 * bind skips its work).
 */
public final class StartFloorBenchmark {

    private static final String HTTP_PORT = "org.osgi.service.http.port";
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    private StartFloorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args, Map.of("--runs", "7", "--java",
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "--jar", "target/carehost.jar",
                "--samples", "target/deploy", "--floor", "benchmarks/target/felix-floor", "--plugins", "0", "--jvm", "",
                "--baseline", ""));
        int runs = Integer.parseInt(options.get("--runs"));
        String java = options.get("--java");
        Path jar = Paths.get(options.get("--jar")).toAbsolutePath();
        Path samples = Paths.get(options.get("--samples")).toAbsolutePath();
        Path floor = Paths.get(options.get("--floor")).toAbsolutePath();
        String jvm = options.get("--jvm");
        if (!Files.isRegularFile(floor.resolve("bin/felix.jar"))) {
            throw new IllegalStateException("No bare Felix at " + floor + ": build the benchmarks module first "
                    + "(mvn -pl benchmarks package lays it out)");
        }
        int extra = Integer.parseInt(options.get("--plugins"));
        Path work = Files.createTempDirectory("carehost-start-floor");
        List<Container> containers = new ArrayList<>();
        containers.add(new Container("carehost", jar, work.resolve("carehost")));
        if (!options.get("--baseline").isBlank()) {
            // another build of the container (say, before a change), in a folder of its own, alternated with the first
            containers.add(new Container("baseline", Paths.get(options.get("--baseline")).toAbsolutePath(),
                    work.resolve("baseline")));
        }
        for (Container container : containers) {
            container.layOut(samples, extra);
        }
        Path felixHome = work.resolve("felix");
        copyTree(floor, felixHome);
        // The floor gets no extra plugins: they are Carehost plugins (DS, the SDK), which bare Felix cannot run.
        Files.createDirectories(felixHome.resolve("deploy"));
        List<String> felix = List.of(java, "-jar", "bin/felix.jar");

        List<Sample> warmFloor = new ArrayList<>();
        List<Sample> firstFloor = new ArrayList<>();
        // One start of each to initialise the folders (and warm the page cache); not counted.
        for (Container container : containers) {
            anyFreeSshPort(container.home);
            run(container.command(java, jvm, "init", -1), container.home, "plugin:list\n");
        }
        run(felix, felixHome, "lb\n");
        int starters = containers.size() + 1;
        for (int i = 0; i < runs; i++) {
            // the order rotates run by run, so that no one of them always follows another (page cache, load)
            for (int k = 0; k < starters; k++) {
                int who = (i + k) % starters;
                if (who == containers.size()) {
                    warmFloor.add(run(felix, felixHome, "lb\n"));
                } else {
                    Container container = containers.get(who);
                    container.warm.add(run(container.command(java, jvm, "warm", i), container.home, "plugin:list\n"));
                }
            }
            for (int k = 0; k < starters; k++) {
                int who = (i + k) % starters;
                if (who == containers.size()) {
                    Samples.deleteTree(felixHome.resolve("felix-cache"));
                    firstFloor.add(run(felix, felixHome, "lb\n"));
                } else {
                    Container container = containers.get(who);
                    Samples.deleteTree(container.home.resolve("data"));
                    Samples.deleteTree(container.home.resolve("etc"));
                    anyFreeSshPort(container.home);
                    Sample first = run(container.command(java, jvm, "first", i), container.home, "plugin:list\n");
                    container.first.add(first);
                    container.phases.add(phases(container.home.resolve("data/log/carehost.log"), first));
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d paired runs, %d extra plugins, %s%s%n%n", runs, extra, java,
                jvm.isBlank() ? "" : ", container JVM options " + jvm);
        System.out.println("| start | container | median ms | floor median ms | ratio | paired ratio (median) "
                + "| CPU s | floor CPU s | peak RSS MiB | floor peak RSS MiB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Container container : containers) {
            row("warm (initialised folder)", container.name, container.warm, warmFloor);
        }
        for (Container container : containers) {
            row("first (fresh folder)", container.name, container.first, firstFloor);
        }
        if (containers.size() == 2) {
            System.out.println();
            System.out.printf(Locale.ROOT, "carehost / baseline, paired (median of the ratios): warm %.3f, first %.3f;"
                    + " CPU time warm %.3f, first %.3f%n",
                    pairedRatio(containers.get(0).warm, containers.get(1).warm),
                    pairedRatio(containers.get(0).first, containers.get(1).first),
                    pairedCpuRatio(containers.get(0).warm, containers.get(1).warm),
                    pairedCpuRatio(containers.get(0).first, containers.get(1).first));
        }
        for (Container container : containers) {
            System.out.println();
            System.out.println("Phases of " + container.name + "'s first starts (median ms since the JVM was started):");
            for (String phase : container.phases.get(0).keySet()) {
                List<Long> values = container.phases.stream().map(p -> p.getOrDefault(phase, -1L)).sorted().toList();
                System.out.printf(Locale.ROOT, "  %-40s %6d%n", phase, values.get(values.size() / 2));
            }
        }
    }

    /** One build of the container, its folder, and its starts. */
    private static final class Container {
        final String name;
        final Path jar;
        final Path home;
        final List<Sample> warm = new ArrayList<>();
        final List<Sample> first = new ArrayList<>();
        final List<Map<String, Long>> phases = new ArrayList<>();

        Container(String name, Path jar, Path home) {
            this.name = name;
            this.jar = jar;
            this.home = home;
        }

        void layOut(Path samples, int extra) throws IOException {
            Files.createDirectories(home.resolve("deploy"));
            try (Stream<Path> jars = Files.list(samples)) {
                for (Path sample : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    Files.copy(sample, home.resolve("deploy").resolve(sample.getFileName()));
                }
            }
            // N more plugins: copies of the hello sample under their own symbolic names.
            for (int i = 0; i < extra; i++) {
                renamed(samples.resolve("hello.jar"), home.resolve("deploy").resolve("bench-" + i + ".jar"),
                        "com.example.bench.plugin" + i);
            }
        }

        /**
         * The container's command line: {@code jvm} split at white space, {@code {run}} in it replaced by
         * {@code first}, {@code warm} or {@code init}, {@code {i}} by the run's number, {@code {name}} by this build's.
         */
        List<String> command(String java, String jvm, String run, int i) {
            List<String> command = new ArrayList<>(List.of(java, "-D" + HTTP_PORT + "=0"));
            for (String option : jvm.strip().split("\\s+")) {
                if (!option.isEmpty()) {
                    command.add(option.replace("{run}", run).replace("{i}", Integer.toString(i))
                            .replace("{name}", name));
                }
            }
            command.addAll(List.of("-jar", jar.toString()));
            return command;
        }
    }

    private static double pairedCpuRatio(List<Sample> a, List<Sample> b) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            ratios.add(a.get(i).cpuSeconds / b.get(i).cpuSeconds);
        }
        return Samples.median(ratios);
    }

    private static double pairedRatio(List<Sample> a, List<Sample> b) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            ratios.add((double) a.get(i).millis / b.get(i).millis);
        }
        return Samples.median(ratios);
    }

    /** The container's SSH shell on any free port: its only setting in a fresh etc/. */
    private static void anyFreeSshPort(Path home) throws IOException {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=0\n");
    }

    private static void row(String start, String name, List<Sample> carehost, List<Sample> floor) {
        double c = Samples.median(carehost.stream().map(s -> (double) s.millis).toList());
        double f = Samples.median(floor.stream().map(s -> (double) s.millis).toList());
        double cr = Samples.median(carehost.stream().map(s -> s.rssKiB / 1024.0).toList());
        double fr = Samples.median(floor.stream().map(s -> s.rssKiB / 1024.0).toList());
        double cc = Samples.median(carehost.stream().map(Sample::cpuSeconds).toList());
        double fc = Samples.median(floor.stream().map(Sample::cpuSeconds).toList());
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.2f | %.2f | %.1f | %.1f | %.0f | %.0f |%n", start, name,
                c, f, c / f, pairedRatio(carehost, floor), cc, fc, cr, fr);
    }

    /** One start: the command under /usr/bin/time, standard input given, to its exit. */
    private static Sample run(List<String> command, Path dir, String stdin) throws Exception {
        Path times = dir.resolve("time.txt");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", times.toString()));
        timed.addAll(command);
        long started = System.currentTimeMillis();
        Process process = new ProcessBuilder(timed).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("no exit within 180 s: " + command + " in " + dir);
        }
        long millis = System.currentTimeMillis() - started;
        String out = Files.readString(dir.resolve("stdout.txt"));
        if (process.exitValue() != 0 || out.isBlank()) {
            throw new IllegalStateException(command + " in " + dir + " exited " + process.exitValue() + ":\n" + out
                    + Files.readString(dir.resolve("stderr.txt")));
        }
        String[] lines = Files.readString(times).strip().split("\n");
        String[] words = lines[lines.length - 1].strip().split("\\s+");
        double cpu = Double.parseDouble(words[1]) + Double.parseDouble(words[2]);
        return new Sample(millis, Long.parseLong(words[0]), started, cpu);
    }

    /** Milliseconds from the JVM's start to each phase, read off the container's log. */
    private static Map<String, Long> phases(Path log, Sample start) throws IOException {
        Map<String, Long> phases = new LinkedHashMap<>();
        long first = -1;
        long store = -1;
        long lastPlugin = -1;
        long ssh = -1;
        for (String line : Files.readAllLines(log)) {
            if (line.length() < 23 || !Character.isDigit(line.charAt(0))) {
                continue;
            }
            long at;
            try {
                at = LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant()
                        .toEpochMilli() - start.startedAt;
            } catch (RuntimeException notATime) {
                continue;
            }
            if (first < 0) {
                first = at;
            }
            if (line.contains("StoreImpl - Store ") && line.contains(" ready")) {
                store = at;
            }
            if (line.contains("SSH shell listening on ")) {
                ssh = at;
            }
            if (line.contains("LifecycleEvents - Plugin ") && line.endsWith(" STARTED")) {
                lastPlugin = at;
            }
        }
        phases.put("JVM + framework + logging up", first);
        phases.put("store ready (schema migrated)", store);
        phases.put("last sample plugin STARTED", lastPlugin);
        phases.put("SSH shell listening (its own thread)", ssh);
        phases.put("command ran, process exited", start.millis);
        return phases;
    }

    /** A copy of the plugin jar {@code from} with another Bundle-SymbolicName. */
    static void renamed(Path from, Path to, String symbolicName) throws IOException {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(from.toFile())) {
            java.util.jar.Manifest manifest = new java.util.jar.Manifest(jar.getManifest());
            manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(to),
                    manifest)) {
                for (java.util.jar.JarEntry entry : java.util.Collections.list(jar.entries())) {
                    if (entry.getName().equalsIgnoreCase("META-INF/MANIFEST.MF") || entry.getName().equals("META-INF/")) {
                        continue;
                    }
                    out.putNextEntry(new java.util.jar.JarEntry(entry.getName()));
                    jar.getInputStream(entry).transferTo(out);
                    out.closeEntry();
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Wall time, peak RSS, when it began, and the CPU time of the process (user and system, every thread). */
    private record Sample(long millis, long rssKiB, long startedAt, double cpuSeconds) {
    }
}
