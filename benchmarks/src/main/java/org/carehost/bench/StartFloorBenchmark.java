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
import java.util.Comparator;
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
                "--samples", "target/deploy", "--floor", "benchmarks/target/felix-floor", "--plugins", "0"));
        int runs = Integer.parseInt(options.get("--runs"));
        String java = options.get("--java");
        Path jar = Paths.get(options.get("--jar")).toAbsolutePath();
        Path samples = Paths.get(options.get("--samples")).toAbsolutePath();
        Path floor = Paths.get(options.get("--floor")).toAbsolutePath();
        if (!Files.isRegularFile(floor.resolve("bin/felix.jar"))) {
            throw new IllegalStateException("No bare Felix at " + floor + ": build the benchmarks module first "
                    + "(mvn -pl benchmarks package lays it out)");
        }
        Path work = Files.createTempDirectory("carehost-start-floor");
        Path home = work.resolve("carehost");
        Files.createDirectories(home.resolve("deploy"));
        try (Stream<Path> jars = Files.list(samples)) {
            for (Path sample : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(sample, home.resolve("deploy").resolve(sample.getFileName()));
            }
        }
        int extra = Integer.parseInt(options.get("--plugins"));
        if (extra > 0) {
            // N more plugins: copies of the hello sample under their own symbolic names, in both folders.
            Path hello = samples.resolve("hello.jar");
            for (int i = 0; i < extra; i++) {
                Path copy = home.resolve("deploy").resolve("bench-" + i + ".jar");
                renamed(hello, copy, "org.carehost.bench.plugin" + i);
            }
        }
        Path felixHome = work.resolve("felix");
        copyTree(floor, felixHome);
        // The floor gets no extra plugins: they are Carehost plugins (DS, the SDK), which bare Felix cannot run.
        Files.createDirectories(felixHome.resolve("deploy"));

        List<Sample> warmCarehost = new ArrayList<>();
        List<Sample> warmFloor = new ArrayList<>();
        List<Sample> firstCarehost = new ArrayList<>();
        List<Sample> firstFloor = new ArrayList<>();
        List<Map<String, Long>> phases = new ArrayList<>();
        // One start of each to initialise the folders (and warm the page cache); not counted.
        List<String> carehost = List.of(java, "-D" + HTTP_PORT + "=0", "-jar", jar.toString());
        anyFreeSshPort(home);
        run(carehost, home, "plugin:list\n");
        run(List.of(java, "-jar", "bin/felix.jar"), felixHome, "lb\n");
        for (int i = 0; i < runs; i++) {
            warmCarehost.add(run(carehost, home, "plugin:list\n"));
            warmFloor.add(run(List.of(java, "-jar", "bin/felix.jar"), felixHome, "lb\n"));

            deleteTree(home.resolve("data"));
            deleteTree(home.resolve("etc"));
            anyFreeSshPort(home);
            Sample first = run(carehost, home, "plugin:list\n");
            firstCarehost.add(first);
            phases.add(phases(home.resolve("data/log/carehost.log"), first));
            deleteTree(felixHome.resolve("felix-cache"));
            firstFloor.add(run(List.of(java, "-jar", "bin/felix.jar"), felixHome, "lb\n"));
        }
        System.out.printf(Locale.ROOT, "%d paired runs, %d extra plugins, %s%n%n", runs, extra, java);
        System.out.println("| start | carehost median ms | floor median ms | ratio | carehost peak RSS MiB | floor peak RSS MiB |");
        System.out.println("|---|---|---|---|---|---|");
        row("warm (initialised folder)", warmCarehost, warmFloor);
        row("first (fresh folder)", firstCarehost, firstFloor);
        System.out.println();
        System.out.println("Container phases of the first starts (median ms since the JVM was started):");
        for (String phase : phases.get(0).keySet()) {
            List<Long> values = phases.stream().map(p -> p.getOrDefault(phase, -1L)).sorted().toList();
            System.out.printf(Locale.ROOT, "  %-36s %6d%n", phase, values.get(values.size() / 2));
        }
    }

    /** The container's SSH shell on any free port: its only setting in a fresh etc/. */
    private static void anyFreeSshPort(Path home) throws IOException {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=0\n");
    }

    private static void row(String name, List<Sample> carehost, List<Sample> floor) {
        double c = median(carehost.stream().map(s -> (double) s.millis).toList());
        double f = median(floor.stream().map(s -> (double) s.millis).toList());
        double cr = median(carehost.stream().map(s -> s.rssKiB / 1024.0).toList());
        double fr = median(floor.stream().map(s -> s.rssKiB / 1024.0).toList());
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.0f | %.0f |%n", name, c, f, c / f, cr, fr);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** One start: the command under /usr/bin/time, standard input given, to its exit. */
    private static Sample run(List<String> command, Path dir, String stdin) throws Exception {
        Path times = dir.resolve("time.txt");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", times.toString()));
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
        return new Sample(millis, Long.parseLong(lines[lines.length - 1].strip()), started);
    }

    /** Milliseconds from the JVM's start to each phase, read off the container's log. */
    private static Map<String, Long> phases(Path log, Sample start) throws IOException {
        Map<String, Long> phases = new LinkedHashMap<>();
        long first = -1;
        long store = -1;
        long lastPlugin = -1;
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
            if (line.contains("LifecycleEvents - Plugin ") && line.endsWith(" STARTED")) {
                lastPlugin = at;
            }
        }
        phases.put("JVM + framework + logging up", first);
        phases.put("store ready (schema migrated)", store);
        phases.put("last sample plugin STARTED", lastPlugin);
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

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private record Sample(long millis, long rssKiB, long startedAt) {
    }
}
