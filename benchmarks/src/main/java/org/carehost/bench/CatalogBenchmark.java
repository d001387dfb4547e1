package org.carehost.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The plugin catalog at size, in the built container as an operator uses it: a generated catalog of 1,000 bundles
 * (996 plugins with names, descriptions and permissions, and a plugin {@code bench.app} that imports a package from
 * each of three library bundles), indexed with {@code catalog:index}, added with {@code catalog:add}; then
 * {@code catalog:search} (a selective text and a broad permission filter) and {@code catalog:install --yes bench.app}
 * (resolve against the installed bundles and the catalog, download, install the three libraries and the plugin as
 * plugins, start them), uninstalled again between rounds. Each command is timed from writing its line to the
 * container's standard input until an {@code echo} written after it comes back on standard output; the same round
 * trip with only the {@code echo} is measured alongside and reported (it is part of each figure).
 * Run from the repository root after {@code mvn install}; see {@code benchmarks/README.md}.
 */
public final class CatalogBenchmark {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int ENTRIES = 1000;

    private final Process process;
    private final OutputStream stdin;
    private final LineWatcher stdout;
    private final LineWatcher stderr;
    private int marker;

    private CatalogBenchmark(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdout = new LineWatcher(process.getInputStream(), "catalog-stdout");
        this.stderr = new LineWatcher(process.getErrorStream(), "catalog-stderr");
    }

    public static void main(String[] args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jar = Path.of("target/carehost.jar").toAbsolutePath();
        int rounds = 20;
        int installs = 7;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--installs" -> installs = Integer.parseInt(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]).toAbsolutePath();
                case "--java" -> java = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--rounds N, --installs N, --jar PATH, --java PATH)");
            }
        }
        Path home = Files.createTempDirectory("carehost-bench-catalog-");
        Path folder = Files.createDirectories(home.resolve("catalog"));
        generate(folder);
        Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString()).directory(home.toFile()).start();
        CatalogBenchmark bench = new CatalogBenchmark(process);
        try {
            bench.run(folder, rounds, installs);
        } finally {
            bench.stdin.close();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    private void run(Path folder, int rounds, int installs) throws Exception {
        awaitShell();
        double index = time("catalog:index " + folder);
        double add = time("catalog:add bench " + folder.resolve("index.xml"));
        double firstSearch = time("catalog:search bench-plugin-0500");
        List<Double> echo = new ArrayList<>();
        List<Double> selective = new ArrayList<>();
        List<Double> broad = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            echo.add(time(null));
            selective.add(time("catalog:search bench-plugin-0" + String.format(Locale.ROOT, "%03d", (i * 37) % 996)));
            broad.add(time("catalog:search --permission read:patients"));
        }
        List<Double> install = new ArrayList<>();
        for (int i = 0; i < installs; i++) {
            install.add(time("catalog:install --yes bench.app"));
            for (String name : List.of("bench.app", "bench.lib1", "bench.lib2", "bench.lib3")) {
                time("plugin:uninstall " + name);
            }
        }
        System.out.printf(Locale.ROOT, "catalog of %d bundles (%s)%n", ENTRIES, folder);
        System.out.printf(Locale.ROOT, "catalog:index (writes the index)   %8.1f ms%n", index);
        System.out.printf(Locale.ROOT, "catalog:add (reads it)             %8.1f ms%n", add);
        System.out.printf(Locale.ROOT, "first catalog:search               %8.1f ms%n", firstSearch);
        System.out.printf(Locale.ROOT, "echo round trip, median of %d       %8.1f ms%n", rounds, Samples.median(echo));
        System.out.printf(Locale.ROOT, "catalog:search <name>, median       %8.1f ms (max %.1f)%n", Samples.median(selective), Collections.max(selective));
        System.out.printf(Locale.ROOT, "catalog:search --permission (%s rows), median %8.1f ms (max %.1f)%n",
                "~" + ENTRIES / 3, Samples.median(broad), Collections.max(broad));
        System.out.printf(Locale.ROOT, "catalog:install --yes bench.app (3 deps): first %.1f ms, median of %d %.1f ms (max %.1f)%n",
                install.get(0), installs, Samples.median(install), Collections.max(install));
        System.out.println("all:  search " + selective + "\n      broad " + broad + "\n      install " + install);
    }

    private void awaitShell() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                time(null);
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw e;
                }
            }
        }
    }

    /** Runs {@code command} (none: only the echo) and returns ms until the echo after it is printed. */
    private double time(String command) throws IOException, InterruptedException, TimeoutException {
        String mark = "@@mark-" + (++marker);
        int errors = stderr.count(line -> line.startsWith("Error:"));
        String lines = (command == null ? "" : command + "\n") + "echo " + mark + "\n";
        long start = System.nanoTime();
        stdin.write(lines.getBytes(Charset.defaultCharset()));
        stdin.flush();
        long end = stdout.awaitNth(line -> line.strip().equals(mark), 1, WAIT, mark + " after " + command);
        if (stderr.count(line -> line.startsWith("Error:")) > errors) {
            throw new IllegalStateException(command + " failed: " + String.join("\n", stderr.all()));
        }
        return (end - start) / 1e6;
    }

    private static final String[] PERMISSIONS = {"read:patients", "read:appointments", "write:audit"};

    /** 996 plugins, three libraries and the plugin that needs them: manifest-only bundles. */
    private static void generate(Path folder) throws IOException {
        for (int i = 0; i < ENTRIES - 4; i++) {
            String name = String.format(Locale.ROOT, "bench-plugin-%04d", i);
            bundle(folder.resolve(name + ".jar"), "bench.plugin" + i, "Benchmark plugin " + name + ": validates "
                    + "record number " + i, PERMISSIONS[i % 3], null, null);
        }
        for (int i = 1; i <= 3; i++) {
            bundle(folder.resolve("bench-lib" + i + ".jar"), "bench.lib" + i, "Benchmark library " + i, null,
                    "bench.lib" + i + ".api;version=1.0.0", null);
        }
        bundle(folder.resolve("bench-app.jar"), "bench.app", "Benchmark plugin with three library dependencies",
                "read:patients", null, "bench.lib1.api;version=\"[1,2)\",bench.lib2.api;version=\"[1,2)\","
                        + "bench.lib3.api;version=\"[1,2)\"");
    }

    private static void bundle(Path jar, String symbolicName, String description, String permissions, String exports,
            String imports) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Description", description);
        if (permissions != null) {
            main.putValue("Carehost-Permissions", permissions);
        }
        if (exports != null) {
            main.putValue("Export-Package", exports);
        }
        if (imports != null) {
            main.putValue("Import-Package", imports);
        }
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            // manifest only
        }
    }
}
