package org.carehost.bench;

import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Many WebAssembly plugins at once (issue 20: "100 WASM plugins deployed: start time and RSS"): {@code N} copies of
 * Extism's {@code code.wasm} (1.8 MB) as bare modules in {@code deploy/}, one {@code carehost.jar}; the time from the
 * process's start until {@code wasm:list} shows every one of them with an instance made (compiled, warm), and the
 * process's resident memory then. The same home is started {@code --starts} times: the first start compiles (once:
 * the copies share one module, so this is the compile cache's best case), later ones find the compiled classes on
 * disk. {@code --no-cache} sets {@code keepCompiledModules=false} and {@code compiledModulesMemoryMiB=0}, so every
 * instance is compiled, as before the cache. From the repository root, after {@code mvn install -DskipTests}:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.carehost.bench.WasmFleet --plugins 100 --starts 2
 * </pre>
 */
public final class WasmFleet {

    private WasmFleet() {
    }

    public static void main(String[] args) throws Exception {
        int plugins = 100;
        int starts = 2;
        boolean noCache = false;
        Path jar = Paths.get("").toAbsolutePath().resolve("target/carehost.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--plugins": plugins = Integer.parseInt(args[++i]); break;
                case "--starts": starts = Integer.parseInt(args[++i]); break;
                case "--no-cache": noCache = true; break;
                case "--jar": jar = Paths.get(args[++i]).toAbsolutePath(); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]
                        + ": --plugins N, --starts N, --no-cache, --jar carehost.jar (another build, side by side)");
            }
        }
        Path root = Paths.get("").toAbsolutePath();
        Path module = root.resolve("integration-tests/wasm/extism/code.wasm");
        Path home = Files.createDirectories(root.resolve("benchmarks/target/fleet-" + System.nanoTime()));
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        for (int i = 1; i <= plugins; i++) {
            Files.copy(module, deploy.resolve(String.format(Locale.ROOT, "vowels%03d.wasm", i)));
        }
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.wasm.cfg"), noCache
                ? "keepCompiledModules=false\ncompiledModulesMemoryMiB=0\ninstances=1\n" : "instances=1\n");
        System.out.printf(Locale.ROOT, "%d copies of code.wasm (1.8 MB), %s, %s, load average %.1f%n", plugins,
                noCache ? "no compile cache" : "compile cache on", jar, loadAverage());
        for (int start = 1; start <= starts; start++) {
            start(jar, home, plugins, start);
        }
    }

    private static void start(Path jar, Path home, int plugins, int start) throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        long began = System.nanoTime();
        Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString()).directory(home.toFile())
                .redirectError(home.resolve("stderr-" + start + ".log").toFile()).start();
        LineWatcher out = new LineWatcher(process.getInputStream(), "fleet-stdout");
        try (OutputStream stdin = process.getOutputStream()) {
            long ready = 0;
            long answered = 0;
            while (true) {
                int asked = out.count(line -> line.startsWith("WASM-LIST-END"));
                stdin.write("wasm:list\necho WASM-LIST-END\n".getBytes(Charset.defaultCharset()));
                stdin.flush();
                out.awaitNth(line -> line.startsWith("WASM-LIST-END"), asked + 1, Duration.ofMinutes(10), "wasm:list");
                if (answered == 0) {
                    answered = System.nanoTime();
                }
                List<String> all = out.all();
                int from = lastIndexOf(all, "WASM-LIST-END", asked);
                int to = lastIndexOf(all, "WASM-LIST-END", asked + 1);
                long warm = all.subList(from + 1, to).stream().filter(line -> line.contains("idleInstances=1")).count();
                if (warm >= plugins) {
                    ready = System.nanoTime();
                    break;
                }
                Thread.sleep(200); // polling wasm:list: each answer is the positive signal looked for
            }
            long rssKiB = rss(process.pid());
            System.out.printf(Locale.ROOT, "  start %d: first command answered after %.1f s; all %d warm after %.1f s; "
                    + "RSS %.0f MiB%n", start, (answered - began) / 1e9, plugins, (ready - began) / 1e9, rssKiB / 1024.0);
            // What stays once garbage is collected: the resident set after a full GC (G1 gives back free heap then),
            // the heap in use and the class metadata (compiled modules are classes)
            String heap = jcmd(process.pid(), "GC.run") + jcmd(process.pid(), "GC.heap_info");
            System.out.printf(Locale.ROOT, "           after a full GC: RSS %.0f MiB; heap used %s; metaspace used %s%n",
                    rss(process.pid()) / 1024.0, used(heap, "heap"), used(heap, "Metaspace"));
            stdin.write("exit\n".getBytes(Charset.defaultCharset()));
            stdin.flush();
        } finally {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The index of the {@code nth} (0 = none before: -1) line starting with {@code marker}. */
    private static int lastIndexOf(List<String> lines, String marker, int nth) {
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(marker) && ++seen == nth) {
                return i;
            }
        }
        return -1;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), Charset.defaultCharset());
        process.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** "used 12345K" of the first line of jcmd's GC.heap_info naming {@code what}, in MiB. */
    private static String used(String heapInfo, String what) {
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("(?m)^\\s*\\S*\\s*" + what
                + ".*?used (\\d+)K").matcher(heapInfo);
        return used.find() ? String.format(Locale.ROOT, "%.0f MiB", Long.parseLong(used.group(1)) / 1024.0) : "?";
    }

    private static long rss(long pid) throws Exception {
        try (Stream<String> status = Files.lines(Paths.get("/proc", Long.toString(pid), "status"))) {
            return status.filter(line -> line.startsWith("VmRSS:")).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).orElse(-1L);
        }
    }

    private static double loadAverage() throws Exception {
        return Double.parseDouble(Files.readString(Paths.get("/proc/loadavg")).split(" ")[0]);
    }
}
