package org.carehost.security.internal;

import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the polls woven into a plugin's classes cost ({@link StopPolls}: one at each method's entry, backward jump and
 * handler, calling the agent's {@code CarehostGate.poll}, a read of one field while no code is stopped), side by side
 * in one fork: the same plugin code defined twice, as compiled ({@link #asCompiled}) and as the weaving hook defines it
 * ({@link #woven}). Two kernels: a tight numeric loop over an int array (what a poll at each turn costs the JIT most:
 * the field read is at every turn) and a loop that calls a small method and builds a string (plugin code as it
 * mostly is). Run from the repository root with the agent (its path is relative to it):
 *
 * <pre>java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main StopPoll</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = GateCheckBenchmark.AGENT)
public class StopPollBenchmark {

    LongSupplier sumCompiled;
    LongSupplier sumWoven;
    LongSupplier textCompiled;
    LongSupplier textWoven;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        try {
            Class.forName("java.lang.CarehostGate");
        } catch (ClassNotFoundException noAgent) {
            throw new IllegalStateException("this benchmark needs the agent (" + GateCheckBenchmark.AGENT
                    + ", from the repository root)", noAgent);
        }
        sumCompiled = define(Sum.class, false);
        sumWoven = define(Sum.class, true);
        textCompiled = define(Text.class, false);
        textWoven = define(Text.class, true);
        if (sumCompiled.getAsLong() != sumWoven.getAsLong() || textCompiled.getAsLong() != textWoven.getAsLong()) {
            throw new IllegalStateException("the woven code computes something else");
        }
    }

    @Benchmark
    public long sumAsCompiled() {
        return sumCompiled.getAsLong();
    }

    @Benchmark
    public long sumWoven() {
        return sumWoven.getAsLong();
    }

    @Benchmark
    public long textAsCompiled() {
        return textCompiled.getAsLong();
    }

    @Benchmark
    public long textWoven() {
        return textWoven.getAsLong();
    }

    /** Sums 1,024 ints with a little arithmetic each. */
    public static final class Sum implements LongSupplier {
        private final int[] data = new int[1024];

        public Sum() {
            for (int i = 0; i < data.length; i++) {
                data[i] = i * 7 + 3;
            }
        }

        @Override
        public long getAsLong() {
            long sum = 0;
            for (int i = 0; i < data.length; i++) {
                sum += step(data[i]);
            }
            return sum;
        }

        private static long step(int value) {
            return value * 31L + (value >>> 3);
        }
    }

    /** Builds a short string from 16 small method calls: its length. */
    public static final class Text implements LongSupplier {
        @Override
        public long getAsLong() {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                out.append(name(i)).append(',');
            }
            return out.length();
        }

        private static String name(int i) {
            return i % 2 == 0 ? "even" : "odd";
        }
    }

    /** The kernel defined by a loader of its own, as compiled or woven. */
    private static LongSupplier define(Class<?> kernel, boolean weave) throws Exception {
        byte[] bytes;
        try (InputStream in = StopPollBenchmark.class.getClassLoader()
                .getResourceAsStream(kernel.getName().replace('.', '/') + ".class")) {
            bytes = in.readAllBytes();
        }
        byte[] defined = weave ? PluginClassWeaver.weave(bytes) : bytes;
        ClassLoader loader = new ClassLoader("bench-plugin", StopPollBenchmark.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(kernel.getName())) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    return loaded != null ? loaded : defineClass(name, defined, 0, defined.length);
                }
            }
        };
        return (LongSupplier) loader.loadClass(kernel.getName()).getConstructor().newInstance();
    }
}
