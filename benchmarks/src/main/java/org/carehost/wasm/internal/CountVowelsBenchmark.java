package org.carehost.wasm.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Extism's {@code count_vowels} (code.wasm) on a 10 KB input, one thread, calls per second: Chicory's interpreter,
 * Chicory's compiler (as the extender runs it: a deadline guard per call), and the same function in Java. Run from the
 * repository root: {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)
 * org.openjdk.jmh.Main CountVowels}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class CountVowelsBenchmark {

    @Param({"compiled", "interpreter"})
    public String mode;

    private WasmInstance instance;
    private final byte[] input = "The quick brown fox jumps over the lazy dog. ".repeat(228).substring(0, 10_240)
            .getBytes(StandardCharsets.UTF_8);
    private long total;

    @Setup
    public void setUp() throws Exception {
        instance = WasmBench.instance(WasmBench.extism("code"), 17, mode.equals("compiled"), 60_000);
    }

    @Benchmark
    public byte[] wasm() {
        return WasmBench.call(instance, "count_vowels", input, 60_000);
    }

    /** The same function in Java: count the vowels, keep a running total, answer the same JSON. */
    @Benchmark
    public byte[] java() {
        String text = new String(input, StandardCharsets.UTF_8);
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            if ("aeiouAEIOU".indexOf(text.charAt(i)) >= 0) {
                count++;
            }
        }
        total += count;
        return ("{\"count\":" + count + ",\"total\":" + total + ",\"vowels\":\"aeiouAEIOU\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
