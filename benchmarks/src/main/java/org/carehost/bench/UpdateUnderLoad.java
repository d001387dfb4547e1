package org.carehost.bench;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.Stored;
import org.carehost.sdk.testkit.Carehost;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Updates under load (issue 18, item 7): a required, so fail-closed, validator plugin (the {@code drain-validator}
 * fixture, v1 and v2) gates patient creates sent at a steady rate by several threads, on the real services and H2 in
 * file mode, in-process (the test kit's container), while it is updated {@code --updates} times, alternating v2 and
 * v1: through the plugin manager's {@code update} (what {@code plugin:update} calls) when the container has one, else
 * (the test kit's container) the framework's update and a refresh of the plugin, which is what the deploy folder's
 * hot reload does and what the plugin manager's update does underneath.
 * <p>
 * The load is open-loop: create number k is due at {@code k / rate} seconds, and its latency counts from when it was
 * due (a create sent late because the threads were busy counts its wait), so a stall shows in the figures. Phases in
 * one run: warm-up, quiet (no update), the updates (each waits until the new version has checked a create, then
 * {@code --gap} ms before the next), quiet again. Printed: creates per second, failed creates (any exception: a
 * refused call fails a required validator's create closed), creates stored without the validator's check, and p50/p99
 * latency of the creates due within the windows around updates (from the update's call until {@code --gap} ms after
 * the new version checked a create) against those of the quiet phases, with the load average.
 *
 * <pre>java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.carehost.bench.UpdateUnderLoad</pre>
 * Options: {@code --rate 1000 --threads 16 --updates 20 --gap 500 --quiet 15 --warmup 20}.
 */
public final class UpdateUnderLoad {

    private static final String VALIDATOR = "org.carehost.fixture.drainvalidator";

    private UpdateUnderLoad() {
    }

    /** One create: when it was due and sent, how long it took from each, and how it ended. */
    private record Create(long dueNanos, long latencyNanos, long sentNanos, long serviceNanos, String outcome) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args, Map.of("--rate", "1000", "--threads", "16", "--updates", "20",
                "--gap", "500", "--quiet", "15", "--warmup", "20", "--v1",
                "benchmarks/target/carehost-fixture-drain-validator-v1.jar", "--v2",
                "benchmarks/target/carehost-fixture-drain-validator-v2.jar"));
        double rate = Double.parseDouble(options.get("--rate"));
        int threads = Integer.parseInt(options.get("--threads"));
        int updates = Integer.parseInt(options.get("--updates"));
        long gapNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(options.get("--gap")));
        long quietNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.get("--quiet")));
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.get("--warmup")));
        Map<String, Path> jars = Map.of("v1", Paths.get(options.get("--v1")).toAbsolutePath(), "v2",
                Paths.get(options.get("--v2")).toAbsolutePath());
        for (Path jar : jars.values()) {
            if (!Files.isRegularFile(jar)) {
                System.err.println(jar + " not found: run from the repository root after mvn -q install -DskipTests");
                System.exit(2);
            }
        }
        Path database = Files.createTempDirectory("carehost-bench-db");
        String url = "jdbc:h2:file:" + database.resolve("carehost") + ";WRITE_DELAY=0";
        System.out.println("load average at start: " + loadAverage());
        try (Carehost carehost = Carehost.start(jars.get("v1"), Map.of("carehost.seed", "false", "carehost.store.url",
                url))) {
            PatientService patients = carehost.service(PatientService.class);
            Updater update = updater(carehost);
            System.out.println("updates through " + update);

            Map<String, LongAdder> checkedBy = new ConcurrentHashMap<>();
            List<List<Create>> recorded = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> firstFailure = new AtomicReference<>();
            LongAdder interrupts = new LongAdder();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long periodNanos = (long) (1e9 / rate);
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                List<Create> mine = new ArrayList<>();
                recorded.add(mine);
                int offset = t;
                Thread sender = new Thread(() -> {
                    try {
                        for (long k = offset; !stop.get(); k += threads) {
                            long due = start + k * periodNanos;
                            long wait;
                            while ((wait = due - System.nanoTime()) > 0) { // parkNanos may return early
                                if (Thread.interrupted()) {
                                    interrupts.increment(); // a parked thread with its flag set would not wait
                                }
                                LockSupport.parkNanos(wait);
                            }
                            String outcome;
                            long sent = System.nanoTime();
                            try {
                                Stored<Patient> stored = patients.createWithWarnings(patient(k));
                                if (stored.warnings().size() == 1) {
                                    String message = stored.warnings().get(0).message();
                                    outcome = message.substring(message.lastIndexOf(' ') + 1);
                                } else {
                                    outcome = "unchecked";
                                }
                            } catch (RuntimeException failed) {
                                outcome = "failed";
                                firstFailure.compareAndSet(null, String.valueOf(failed));
                            }
                            checkedBy.computeIfAbsent(outcome, any -> new LongAdder()).increment();
                            long end = System.nanoTime();
                            mine.add(new Create(due, end - due, sent, end - sent, outcome));
                        }
                    } finally {
                        done.countDown();
                    }
                }, "bench-create-" + t);
                sender.setDaemon(true);
                sender.start();
            }

            sleepUntil(start + warmupNanos);
            long quiet1From = System.nanoTime();
            sleepUntil(quiet1From + quietNanos);
            long quiet1To = System.nanoTime();
            List<long[]> windows = new ArrayList<>();
            List<Long> updateMillis = new ArrayList<>();
            for (int i = 1; i <= updates; i++) {
                String version = i % 2 == 1 ? "v2" : "v1";
                long before = count(checkedBy, version);
                long from = System.nanoTime();
                update.update(jars.get(version));
                updateMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from));
                while (count(checkedBy, version) <= before) { // the new version has checked a create
                    if (System.nanoTime() - from > TimeUnit.SECONDS.toNanos(60)) {
                        throw new IllegalStateException(version + " checked no create within 60 s of update " + i);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                long to = System.nanoTime() + gapNanos;
                windows.add(new long[] {from, to});
                sleepUntil(to);
            }
            long quiet2From = System.nanoTime();
            sleepUntil(quiet2From + quietNanos);
            long quiet2To = System.nanoTime();
            stop.set(true);
            done.await(60, TimeUnit.SECONDS);

            List<Create> all = new ArrayList<>();
            recorded.forEach(all::addAll);
            List<Create> quiet = all.stream().filter(c -> within(c.dueNanos, quiet1From, quiet1To)
                    || within(c.dueNanos, quiet2From, quiet2To)).toList();
            List<Create> around = all.stream().filter(c -> windows.stream().anyMatch(w -> within(c.dueNanos, w[0],
                    w[1]))).toList();
            List<Create> quietSent = all.stream().filter(c -> within(c.sentNanos, quiet1From, quiet1To)
                    || within(c.sentNanos, quiet2From, quiet2To)).toList();
            List<Create> aroundSent = all.stream().filter(c -> windows.stream().anyMatch(w -> within(c.sentNanos,
                    w[0], w[1]))).toList();
            long updatesFrom = windows.get(0)[0];
            long updatesTo = windows.get(windows.size() - 1)[1];
            List<Create> updating = all.stream().filter(c -> within(c.dueNanos, updatesFrom, updatesTo)).toList();
            double quietSeconds = (quiet1To - quiet1From + quiet2To - quiet2From) / 1e9;
            System.out.printf("JDK %s, %d threads, target %.0f creates/s, %d updates (v1<->v2), H2 file%n",
                    Runtime.version(), threads, rate, updates);
            System.out.println("load average at end: " + loadAverage());
            System.out.printf("creates: %d in all; outcomes %s%n", all.size(), checkedBy);
            System.out.printf("failed creates: %d (in update windows %d); stored unchecked: %d%s%n",
                    count(checkedBy, "failed"), around.stream().filter(c -> c.outcome.equals("failed")).count(),
                    count(checkedBy, "unchecked"), firstFailure.get() == null ? "" : "; first failure: "
                            + firstFailure.get());
            System.out.printf("sender threads found interrupted while waiting for a create's time: %d%n",
                    interrupts.sum());
            System.out.printf("update calls: median %d ms, max %d ms%n", median(updateMillis),
                    updateMillis.stream().mapToLong(Long::longValue).max().orElse(0));
            double windowSeconds = windows.stream().mapToLong(w -> w[1] - w[0]).sum() / 1e9;
            System.out.println("latency from when each create was due (open loop; meaningful while the rate is met):");
            System.out.printf("%-34s %10s %10s %10s %10s%n", "creates due", "count", "per s", "p50 ms", "p99 ms");
            row("quiet phases (no update)", quiet, quietSeconds, Create::latencyNanos);
            row("windows around updates", around, windowSeconds, Create::latencyNanos);
            row("whole updates phase", updating, (updatesTo - updatesFrom) / 1e9, Create::latencyNanos);
            System.out.printf("p99 around updates minus p99 quiet: %.1f ms (target: at most 50 ms)%n",
                    percentile(around, 0.99, Create::latencyNanos) - percentile(quiet, 0.99, Create::latencyNanos));
            System.out.println("latency from when each create was sent (what a caller waits once it calls; by send "
                    + "time, also meaningful when the rate is not met):");
            System.out.printf("%-34s %10s %10s %10s %10s%n", "creates sent", "count", "per s", "p50 ms", "p99 ms");
            row("quiet phases (no update)", quietSent, quietSeconds, Create::serviceNanos);
            row("windows around updates", aroundSent, windowSeconds, Create::serviceNanos);
            System.out.printf("p99 around updates minus p99 quiet: %.1f ms%n", percentile(aroundSent, 0.99,
                    Create::serviceNanos) - percentile(quietSent, 0.99, Create::serviceNanos));
        } finally {
            Samples.deleteTree(database);
        }
    }

    /** How the benchmark updates the plugin. */
    private interface Updater {
        void update(Path jar) throws Exception;
    }

    /**
     * The plugin manager's update (what {@code plugin:update} calls), by reflection since its API is inside the
     * container; where the container has none, the framework's update and a refresh of the plugin, as the deploy
     * folder's hot reload does.
     */
    private static Updater updater(Carehost carehost) {
        BundleContext context = carehost.context();
        ServiceReference<?> reference = context.getServiceReference("org.carehost.plugins.PluginManager");
        if (reference != null) {
            Object manager = context.getService(reference);
            return new Updater() {
                @Override
                public void update(Path jar) throws Exception {
                    Method update = manager.getClass().getMethod("update", String.class, String.class);
                    update.invoke(manager, VALIDATOR, jar.toString());
                }

                @Override
                public String toString() {
                    return "PluginManager.update (plugin:update)";
                }
            };
        }
        org.osgi.framework.Bundle plugin = carehost.plugin();
        return new Updater() {
            @Override
            public void update(Path jar) throws Exception {
                try (java.io.InputStream in = Files.newInputStream(jar)) {
                    plugin.update(in);
                }
                CountDownLatch refreshed = new CountDownLatch(1);
                context.getBundle(0).adapt(org.osgi.framework.wiring.FrameworkWiring.class).refreshBundles(
                        List.of(plugin), event -> refreshed.countDown());
                if (!refreshed.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the refresh after the update took more than 60 s");
                }
            }

            @Override
            public String toString() {
                return "Bundle.update and a refresh (the deploy folder's hot reload; no PluginManager in the test kit)";
            }
        };
    }

    private static Patient patient(long k) {
        return Patient.builder().addName(HumanName.official("Drain" + (k % 50), "U" + k))
                .addIdentifier(Identifier.mrn("urn:bench:update", "U" + k + "-" + System.nanoTime()))
                .birthDate(LocalDate.of(1950 + (int) (k % 60), 1 + (int) (k % 12), 1 + (int) (k % 28))).build();
    }

    private static boolean within(long nanos, long from, long to) {
        return nanos >= from && nanos < to;
    }

    private static void row(String what, List<Create> creates, double seconds,
            java.util.function.ToLongFunction<Create> latency) {
        System.out.printf("%-34s %10d %10.0f %10.1f %10.1f%n", what, creates.size(), creates.size() / seconds,
                percentile(creates, 0.50, latency), percentile(creates, 0.99, latency));
    }

    private static double percentile(List<Create> creates, double p, java.util.function.ToLongFunction<Create> latency) {
        if (creates.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = creates.stream().mapToLong(latency).sorted().toArray();
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    private static long count(Map<String, LongAdder> counts, String key) {
        LongAdder count = counts.get(key);
        return count == null ? 0 : count.sum();
    }

    private static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).trim().split(" "))
                    .subList(0, 3));
        } catch (java.io.IOException | RuntimeException unknown) {
            return "unknown";
        }
    }
}
