package org.carehost.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The host-function round trip of WebAssembly plugins against Java plugins (issue 20's target: at most 1.5 times the
 * Java plugin's time per call, compiled): in one container ({@code target/carehost.jar}, H2, development mode), a
 * Java plugin reads one patient 1,000 times through its own {@code PatientService} ({@code roundtrip:java 1000},
 * fixture {@code roundtrip-reader}), and a WebAssembly plugin reads the same patient 1,000 times through
 * {@code carehost/patient_get} inside one call ({@code wasm:call roundtrip get_many <id>}, module
 * {@code integration-tests/wasm/wat/roundtrip.wat}, timed by WASI's monotonic clock inside the module). Both reads are
 * granted, in the console's care context and audited. Rounds alternate Java and WebAssembly; the medians per call and
 * their ratio, and the median of the rounds' paired ratios, are printed. From the repository root, after
 * {@code mvn install -DskipTests}:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.carehost.bench.WasmRoundTrip [rounds [carehost.jar]]
 * </pre>
 * {@code -Dbench.warmupRounds=N} (default 30) sets the rounds run first and not counted; each round's figures are
 * printed, so that the end of the warm-up can be seen. {@code -Dbench.cpuSamples=true} also runs the container with
 * JFR sampling every millisecond and prints the CPU samples of the measured rounds ({@link CallSamples}): a ratio that
 * a loaded machine disturbs less than the wall times.
 */
public final class WasmRoundTrip {

    private static final int CALLS = 1000;

    private WasmRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path root = Paths.get("").toAbsolutePath();
        // a second argument names another build of carehost.jar, to compare two builds one after the other
        Path jar = args.length > 1 ? Paths.get(args[1]).toAbsolutePath() : root.resolve("target/carehost.jar");
        Path module = root.resolve("integration-tests/wasm/target/wasm/roundtrip.wasm");
        Path reader = root.resolve("benchmarks/target/carehost-fixture-roundtrip-reader.jar");
        for (Path needed : List.of(jar, module, reader)) {
            if (!Files.isRegularFile(needed)) {
                throw new IllegalStateException(needed + " is missing: run 'mvn install -DskipTests' first");
            }
        }
        Path home = Files.createDirectories(root.resolve("benchmarks/target/roundtrip-" + System.nanoTime()));
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Files.copy(reader, deploy.resolve("roundtrip-reader.jar"));
        Files.copy(module, deploy.resolve("roundtrip.wasm"));
        Files.writeString(deploy.resolve("roundtrip.json"), "{\"permissions\":[\"read:patients\"]}");
        // 1,000 host calls in one call of the module: more than the default deadline of 2 s allows on a loaded machine
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.wasm.cfg"), "deadlineMillis=120000\n");
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        // -Dbench.jvmOptions="..." adds options to the container's JVM (a profiler's, say)
        List<String> command = new ArrayList<>(List.of(java.toString()));
        String extra = System.getProperty("bench.jvmOptions", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        Path recording = home.resolve("roundtrip.jfr");
        boolean cpuSamples = Boolean.getBoolean("bench.cpuSamples");
        if (cpuSamples) {
            command.add(String.format(CallSamples.JVM_OPTION, recording));
        }
        long measuredFrom = 0;
        long measuredTo = 0;
        command.addAll(List.of("-jar", jar.toString()));
        Process process = new ProcessBuilder(command).directory(home.toFile())
                .redirectError(home.resolve("stderr.log").toFile()).start();
        LineWatcher out = new LineWatcher(process.getInputStream(), "roundtrip-stdout");
        try (OutputStream stdin = process.getOutputStream()) {
            String id = null;
            List<Double> javaMicros = new ArrayList<>();
            List<Double> wasmMicros = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            // the JIT compiles the two paths at different speeds (the WebAssembly one has more code: the module's
            // compiled classes, the host function, the JSON writer), so a short warm-up measures compilation, not calls
            int warmup = Integer.getInteger("bench.warmupRounds", 30);
            for (int round = 0; round < warmup + rounds; round++) {
                if (round == warmup) {
                    measuredFrom = System.currentTimeMillis();
                }
                String javaLine = run(stdin, out, "roundtrip:java " + CALLS, line -> line.startsWith("JAVA "));
                String[] parts = javaLine.split(" ");
                id = parts[1];
                double javaCall = Long.parseLong(parts[2]) / 1e3 / CALLS;
                if (round == 0) {
                    String answer = run(stdin, out, "wasm:call roundtrip get " + id, line -> line.contains("\"id\""));
                    if (!answer.contains(id)) {
                        throw new IllegalStateException("patient_get did not answer with the patient: " + answer);
                    }
                }
                String wasmLine = run(stdin, out, "wasm:call roundtrip get_many " + id, line -> line.matches("[0-9]+"));
                double wasmCall = Long.parseLong(wasmLine) / 1e3 / CALLS;
                System.out.printf(Locale.ROOT, "  round %d%s: Java %.1f us, WebAssembly %.1f us%n", round + 1,
                        round < warmup ? " (warm-up)" : "", javaCall, wasmCall);
                if (round >= warmup) {
                    javaMicros.add(javaCall);
                    wasmMicros.add(wasmCall);
                    ratios.add(wasmCall / javaCall);
                }
            }
            measuredTo = System.currentTimeMillis();
            double javaMedian = Samples.median(javaMicros);
            double wasmMedian = Samples.median(wasmMicros);
            System.out.printf(Locale.ROOT, "host round trip, %d rounds of %d calls (after %d warm-up rounds), load "
                    + "average %.1f%n", rounds, CALLS, warmup, loadAverage());
            System.out.printf(Locale.ROOT, "  Java plugin, PatientService.get:        median %.1f us per call%n",
                    javaMedian);
            System.out.printf(Locale.ROOT, "  WebAssembly plugin, carehost/patient_get: median %.1f us per call%n",
                    wasmMedian);
            System.out.printf(Locale.ROOT, "  ratio of medians %.2f; median of paired ratios %.2f (target <= 1.5)%n",
                    wasmMedian / javaMedian, Samples.median(ratios));
            stdin.write("exit\n".getBytes(Charset.defaultCharset()));
            stdin.flush();
        } finally {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (cpuSamples) {
            CallSamples.print(recording, measuredFrom, measuredTo); // JFR writes the recording as the container exits
        }
    }

    /** Writes one command and returns the next output line that answers it. */
    private static String run(OutputStream stdin, LineWatcher out, String command, Predicate<String> answer)
            throws Exception {
        int seen = out.count(answer);
        stdin.write((command + "\n").getBytes(Charset.defaultCharset()));
        stdin.flush();
        out.awaitNth(answer, seen + 1, Duration.ofMinutes(10), "the answer to " + command); // the first waits for the start
        List<String> lines = out.all().stream().filter(answer).toList();
        return lines.get(seen);
    }

    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Paths.get("/proc/loadavg")).split(" ")[0]);
    }
}
