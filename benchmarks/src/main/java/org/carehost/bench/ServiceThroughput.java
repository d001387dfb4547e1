package org.carehost.bench;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.testkit.Carehost;

/**
 * Throughput of {@code PatientService.get} and {@code search} with N caller threads, on the real
 * services and H2 in file mode (or {@code --url} for PostgreSQL), in-process (the test kit's container).
 * Every call is audited, as in production: each waits until its audit record is durable. The two operations alternate round by round so
 * that both see the same machine noise; medians over rounds are printed.
 *
 * <pre>java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.carehost.bench.ServiceThroughput</pre>
 * Options: {@code --threads 8 --rounds 7 --seconds 3 --warmup 40 --patients 1000 --url jdbc:postgresql://...}. The
 * installed plugin is the benchmark fixture that reads a patient without an audit record: the reference.
 * {@code --ops get,reference,search} picks the operations (all three by default).
 *
 * <p>{@code --agent-compare} prices the run-time enforcement agent, which must be on the JVM command line: this
 * process then only starts child JVMs (the same class path and JVM options) with all the other options, in pairs
 * ({@code --pairs 3}), one with {@code -javaagent:<--agent jar>} (the security manager claims the gate when it starts)
 * and one without (it just warns), the order alternating pair by pair; it prints the median over children of each
 * child's medians, the on/off ratios, and the median of the ratios within each pair.
 */
public final class ServiceThroughput {

    private ServiceThroughput() {
    }

    static final String AGENT = "bundles/agent/target/carehost-agent-0.1.0-SNAPSHOT.jar";
    /** The line a child prints for the parent of {@code --agent-compare}. */
    static final String RESULT = "AGENT-COMPARE-RESULT";

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--agent-compare")) {
            AgentCompare.run(List.of(args).stream().filter(arg -> !arg.equals("--agent-compare")).toList());
            return;
        }
        Map<String, String> options = Options.parse(args, Map.of("--threads", "8", "--rounds", "7", "--seconds", "3",
                "--patients", "1000", "--warmup", "40", "--plugin", "benchmarks/target/carehost-fixture-unaudited-reader.jar", "--url", "",
                "--ops", "get,reference,search"));
        java.util.Set<String> ops = java.util.Set.of(options.get("--ops").split(","));
        if (!java.util.Set.of("get", "reference", "search").containsAll(ops) || !ops.contains("get")) {
            System.err.println("--ops: a comma-separated subset of get,reference,search, get included");
            System.exit(2);
        }
        int threads = Integer.parseInt(options.get("--threads"));
        int rounds = Integer.parseInt(options.get("--rounds"));
        long millis = Long.parseLong(options.get("--seconds")) * 1000;
        int count = Integer.parseInt(options.get("--patients"));
        Path plugin = Paths.get(options.get("--plugin"));

        Path database = java.nio.file.Files.createTempDirectory("carehost-bench-db");
        // H2 in file mode, as the container runs it by default, unless --url names another database (PostgreSQL).
        String url = options.get("--url").isBlank()
                ? "jdbc:h2:file:" + database.resolve("carehost") + ";WRITE_DELAY=0" : options.get("--url");
        // The reference reader reads the store directly, which no plugin may: it runs as part of the container.
        try {
            try (Carehost carehost = Carehost.start(plugin, Map.of("carehost.seed", "false", "carehost.store.url", url,
                    "carehost.container.locations", plugin.toAbsolutePath().toUri().toString()))) {
                PatientService patients = carehost.service(PatientService.class);
                String gate = gateState();
                System.out.println("run-time enforcement gate: " + gate);
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    ids.add(patients.create(Patient.builder()
                            .addName(org.carehost.sdk.patient.HumanName.official("Bench" + (i % 50), "P" + i))
                            .addIdentifier(org.carehost.sdk.patient.Identifier.mrn("urn:bench", "B" + i))
                            .birthDate(java.time.LocalDate.of(1950 + i % 60, 1 + i % 12, 1 + i % 28)).build()).id());
                }
                @SuppressWarnings("unchecked")
                java.util.function.Function<String, Patient> unaudited = carehost.service(java.util.function.Function.class,
                        "(benchmark=unaudited-get)");
                Runnable get = () -> patients.get(ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
                Runnable reference = () -> unaudited.apply(ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
                Runnable search = () -> patients.search(PatientQuery.builder()
                        .name("bench" + ThreadLocalRandom.current().nextInt(50)).page(0, 10).build());
                // Warm-up long enough for the JIT to settle: with less, the compiler threads take a good part of the
                // two cores during the first measured rounds, and the audited get (the longest code path) pays most.
                long warmup = Long.parseLong(options.get("--warmup")) * 1000;
                measure(get, threads, warmup);
                if (ops.contains("reference")) {
                    measure(reference, threads, warmup);
                }
                if (ops.contains("search")) {
                    measure(search, threads, warmup);
                }
                carehost.service(org.carehost.sdk.audit.AuditService.class).query(org.carehost.sdk.audit.AuditQuery.latest(1));
                List<Round> gets = new ArrayList<>();
                List<Round> references = new ArrayList<>();
                List<Round> searches = new ArrayList<>();
                org.carehost.sdk.audit.AuditService trail = carehost.service(org.carehost.sdk.audit.AuditService.class);
                // A query returns once the database copy has caught up; this one matches nothing (records from the
                // future), so that counting the whole trail for its page total is not measured as part of the round.
                org.carehost.sdk.audit.AuditQuery nothing = new org.carehost.sdk.audit.AuditQuery(null, null, null, null,
                        java.time.Instant.now().plus(java.time.Duration.ofDays(365)), null, 0, 1);
                Runnable caughtUp = () -> trail.query(nothing);
                for (int round = 0; round < rounds; round++) {
                    gets.add(measure(get, threads, millis, caughtUp));
                    if (ops.contains("reference")) {
                        references.add(measure(reference, threads, millis));
                    }
                    if (ops.contains("search")) {
                        searches.add(measure(search, threads, millis, caughtUp));
                    }
                }
                System.out.printf("JDK %s, %d threads, %d patients, %d rounds of %d s each, %s%n",
                        Runtime.version(), threads, count, rounds, millis / 1000, url.replaceAll("password=[^&;]*", "password=***"));
                System.out.printf("%-32s %12s %12s %12s %16s%n", "operation (calls/s)", "median", "min", "max",
                        "CPU us/call (med)");
                print("PatientService.get (audited)", gets);
                if (!references.isEmpty()) {
                    print("same read, no audit record", references);
                }
                if (!searches.isEmpty()) {
                    print("PatientService.search (page 10)", searches);
                }
                System.out.printf("%s gate=%s get=%.1f getCpu=%.2f getCallers=%.1f reference=%.1f referenceCpu=%.2f"
                        + " search=%.1f searchCpu=%.2f%n", RESULT, gate, median(gets, Round::perSecond),
                        median(gets, Round::cpuMicrosPerCall), median(gets, Round::callersPerSecond),
                        median(references, Round::perSecond), median(references, Round::cpuMicrosPerCall),
                        median(searches, Round::perSecond), median(searches, Round::cpuMicrosPerCall));
                if (!references.isEmpty()) {
                    double audited = median(gets, Round::perSecond);
                    double plain = median(references, Round::perSecond);
                    System.out.printf("audit cost per get: %.1f us (%.2fx the unaudited read's time per call, medians)%n",
                            (1e6 / audited - 1e6 / plain) * threads, plain / audited);
                    // On H2 a call returns once its batch is in the journal, and the database copy may still be catching up;
                    // on PostgreSQL a call returns after its batch's commit, so the two rates are the same.
                    System.out.printf("audited get as the callers saw it (until the last call returned, not the database copy):"
                            + " %.0f/s (median)%n", median(gets, Round::callersPerSecond));
                    double auditedCpu = median(gets, Round::cpuMicrosPerCall);
                    double plainCpu = median(references, Round::cpuMicrosPerCall);
                    System.out.printf("audit CPU per get: %.1f us of process CPU (%.2fx the unaudited read's, medians)%n",
                            auditedCpu - plainCpu, auditedCpu / plainCpu);
                    System.out.printf("CPU per audited get by where it is spent: %.1f us in the calling threads (%.1f unaudited), "
                            + "%.1f us elsewhere (copier, GC, compiler)%n", median(gets, Round::callerCpuMicrosPerCall),
                            median(references, Round::callerCpuMicrosPerCall),
                            auditedCpu - median(gets, Round::callerCpuMicrosPerCall));
                }
                double copyCpu = median(gets, Round::copyCpuMicrosPerCall);
                if (copyCpu > 0) {
                    System.out.printf("of which the database copy (one thread, H2): %.1f us per record, a ceiling of %.0f records/s%n",
                            copyCpu, 1e6 / copyCpu);
                }
                org.carehost.sdk.audit.Verification chain = carehost.service(org.carehost.sdk.audit.AuditService.class).verify();
                System.out.printf("audit chain afterwards: %s, %d records checked%s%n", chain.intact() ? "intact" : "BROKEN",
                        chain.checked(), chain.intact() ? "" : " (" + chain.problem() + ")");
            }
        } finally {
            Samples.deleteTree(database); // a run leaves hundreds of MB of trail behind
        }
    }

    /** Whether the agent's gate is here and claimed (by the security manager), here and unclaimed, or absent. */
    private static String gateState() {
        try {
            Class<?> gate = Class.forName("java.lang.CarehostGate");
            return Boolean.TRUE.equals(gate.getMethod("claimed").invoke(null)) ? "claimed" : "unclaimed";
        } catch (ClassNotFoundException noAgent) {
            return "absent";
        } catch (ReflectiveOperationException e) {
            return "unreadable(" + e + ")";
        }
    }

    /**
     * One round: calls per second, and the process's CPU time per call (all threads, the trail's background copy
     * and GC included), which another process loading the machine disturbs far less than the rate.
     */
    record Round(double perSecond, double cpuMicrosPerCall, double callersPerSecond, double copyCpuMicrosPerCall,
            double callerCpuMicrosPerCall) {
    }

    private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> value) {
        return Samples.median(rounds.stream().map(round -> value.applyAsDouble(round)).toList());
    }

    private static void print(String name, List<Round> rounds) {
        double[] sorted = rounds.stream().mapToDouble(Round::perSecond).sorted().toArray();
        System.out.printf("%-32s %12.0f %12.0f %12.0f %16.1f%n", name, sorted[sorted.length / 2], sorted[0],
                sorted[sorted.length - 1], median(rounds, Round::cpuMicrosPerCall));
    }

    /** Calls per second of {@code call} run by {@code threads} threads for {@code millis}. */
    static Round measure(Runnable call, int threads, long millis) throws InterruptedException {
        return measure(call, threads, millis, () -> { });
    }

    /**
     * As {@link #measure(Runnable, int, long)}, the clock running on through {@code settle} after the callers stop:
     * for audited calls, until the trail's database copy has caught up, so that the deferred work is counted
     * and does not spill into the next round.
     */
    static Round measure(Runnable call, int threads, long millis, Runnable settle) throws InterruptedException {
        LongAdder calls = new LongAdder();
        LongAdder callerCpuNanos = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(threads);
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    while (running.get()) {
                        call.run();
                        calls.increment();
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    running.set(false);
                } finally {
                    callerCpuNanos.add(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                    done.countDown();
                }
            });
            workers.add(worker);
        }
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        long copyStart = copierCpuNanos();
        workers.forEach(Thread::start);
        Thread.sleep(millis);
        running.set(false);
        done.await();
        double callerSeconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("A call failed, so the round has no rate", failure.get());
        }
        settle.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (processCpuNanos() - cpuStart) / 1e3;
        double copyMicros = (copierCpuNanos() - copyStart) / 1e3;
        return new Round(calls.sum() / seconds, cpuMicros / Math.max(1, calls.sum()), calls.sum() / callerSeconds,
                copyMicros / Math.max(1, calls.sum()), callerCpuNanos.sum() / 1e3 / Math.max(1, calls.sum()));
    }

    /**
     * CPU time of the trail's database copier (H2 only; 0 where there is none): the one thread that bounds the
     * sustained rate, since it must keep up with every caller.
     */
    private static long copierCpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("carehost-audit-indexer"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
