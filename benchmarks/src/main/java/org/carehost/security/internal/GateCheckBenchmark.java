package org.carehost.security.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one run-time check costs on the fast path, where the caller is container code: the same hooked call,
 * {@code new File(tmp).exists()} (the agent puts a gate call at the entry of {@code File.exists}), in four forks:
 * <ul>
 * <li>{@link #noAgent}: no agent, so no gate call at all (the reference);</li>
 * <li>{@link #gateUnclaimed}: the agent, the gate claimed by no checker (every call returns at once);</li>
 * <li>{@link #walkingChecker}: the agent, and a checker that does what the security manager's does when the caller is
 * the container: a StackWalker walk (RETAIN_CLASS_REFERENCE, SHOW_HIDDEN_FRAMES) that stops at the first frame below
 * the gate whose class is not a JDK class (a named module of the boot layer);</li>
 * <li>{@link #realChecker}: the agent and the security manager's own code for that path: {@link ChokePoints#read}
 * and {@link Causes#current} (the benchmark's class, on the class path, is container code to it), without the
 * framework around it.</li>
 * </ul>
 * A claimed gate cannot be unclaimed, hence a fork each. The agent jar's path is relative to the repository root, so run
 * from there:
 *
 * <pre>java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main GateCheck</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GateCheckBenchmark {

    /** The agent, as the integration tests start it; relative to the repository root. */
    static final String AGENT = "-javaagent:bundles/agent/target/carehost-agent-0.1.0-SNAPSHOT.jar";

    private File file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("carehost-gate-bench", ".tmp").toFile();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        file.delete();
    }

    /** No agent: the fork must not have the gate. */
    @State(Scope.Benchmark)
    public static class NoGate {
        @Setup(Level.Trial)
        public void setUp() {
            if (gate() != null) {
                throw new IllegalStateException("the gate is here: this fork must run without the agent");
            }
        }
    }

    /** The agent, no checker. */
    @State(Scope.Benchmark)
    public static class Unclaimed {
        @Setup(Level.Trial)
        public void setUp() throws ReflectiveOperationException {
            if (gate() == null || Boolean.TRUE.equals(gate().getMethod("claimed").invoke(null))) {
                throw new IllegalStateException("this fork needs the agent (" + AGENT + ", from the repository root) "
                        + "and an unclaimed gate");
            }
        }
    }

    /** The agent, and the stand-in checker claimed. */
    @State(Scope.Benchmark)
    public static class Walking {
        @Setup(Level.Trial)
        public void setUp() throws ReflectiveOperationException {
            claim(new WalkingChecker());
        }
    }

    /** The agent, and the security manager's reading of the call and its stack walk claimed. */
    @State(Scope.Benchmark)
    public static class Real {
        @Setup(Level.Trial)
        public void setUp() throws ReflectiveOperationException {
            claim(new RealChecker(new Causes(null))); // the scope is asked only about bundles: none on this path
        }
    }

    @Benchmark
    @Fork(2)
    public boolean noAgent(NoGate state) {
        return new File(file.getPath()).exists();
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = AGENT)
    public boolean gateUnclaimed(Unclaimed state) {
        return new File(file.getPath()).exists();
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = AGENT)
    public boolean walkingChecker(Walking state) {
        return new File(file.getPath()).exists();
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = AGENT)
    public boolean realChecker(Real state) {
        return new File(file.getPath()).exists();
    }

    private static Class<?> gate() {
        try {
            return Class.forName("java.lang.CarehostGate");
        } catch (ClassNotFoundException noAgent) {
            return null;
        }
    }

    private static void claim(BiConsumer<String, Object[]> checker) throws ReflectiveOperationException {
        if (gate() == null) {
            throw new IllegalStateException("this fork needs the agent (" + AGENT + ", from the repository root)");
        }
        gate().getMethod("claim", BiConsumer.class).invoke(null, checker);
    }

    /** The container path of the security manager's checker, reduced to its walk. */
    static final class WalkingChecker implements BiConsumer<String, Object[]> {
        private final StackWalker walker = StackWalker.getInstance(EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE,
                StackWalker.Option.SHOW_HIDDEN_FRAMES));
        private final Class<?> gate = gate();

        @Override
        public void accept(String hook, Object[] call) {
            Class<?> cause = walker.walk(frames -> {
                java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
                while (it.hasNext() && it.next().getDeclaringClass() != gate) {
                    // the checker's own frames
                }
                if (it.hasNext()) {
                    it.next(); // the hooked method
                }
                while (it.hasNext()) {
                    Class<?> type = it.next().getDeclaringClass();
                    Module module = type.getModule();
                    if (!(module.isNamed() && module.getLayer() == ModuleLayer.boot())) {
                        return type;
                    }
                }
                return null;
            });
            // a stack of JDK frames only (a pool of JMH's starting its thread) has no cause: the check passes, as the
            // security manager's does; the answer is kept so that the walk cannot be optimised away
            last = cause;
        }

        /** The last walk's answer. */
        volatile Class<?> last;
    }

    /** What {@link RuntimeEnforcement#accept} does up to the cause: container code, so no rule is asked. */
    static final class RealChecker implements BiConsumer<String, Object[]> {
        private final Causes causes;

        RealChecker(Causes causes) {
            this.causes = causes;
        }

        @Override
        public void accept(String hook, Object[] call) {
            ChokePoints.Request request = ChokePoints.read(hook, call[0], (Object[]) call[1]);
            if (request == null) {
                throw new IllegalStateException(hook + " was not read as a request");
            }
            if (causes.current(request.framework()) != null) {
                throw new IllegalStateException("a plugin is the cause of a benchmark call");
            }
        }
    }
}
