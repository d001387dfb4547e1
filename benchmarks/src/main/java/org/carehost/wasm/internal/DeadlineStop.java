package org.carehost.wasm.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;

/**
 * How fast a module stops after its deadline (Extism's {@code loop_forever}, interpreted and compiled: the time from
 * the guard's interrupt to the call's end), and what one instance costs to make (time, heap). Run from the repository
 * root: {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)
 * org.carehost.wasm.internal.DeadlineStop [runs]}.
 */
public final class DeadlineStop {

    private DeadlineStop() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        for (boolean compile : new boolean[] {true, false}) {
            String mode = compile ? "compiled" : "interpreter";
            long start = System.nanoTime();
            WasmInstance instance = WasmBench.instance(WasmBench.extism("loop"), 17, compile, 20);
            System.out.printf(Locale.ROOT, "%s: first instance of loop.wasm (1.8 MB) made in %.0f ms%n", mode,
                    (System.nanoTime() - start) / 1e6);
            List<Double> late = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                CallGuard guard = CallGuard.start(WasmBench.TIMERS, 20);
                instance.slot().begin(guard);
                try {
                    instance.plugin().call("loop_forever", new byte[0]);
                    throw new IllegalStateException("loop_forever returned");
                } catch (ChicoryInterruptedException expected) {
                    late.add(guard.sinceDeadline() / 1e6);
                } finally {
                    instance.slot().end();
                    guard.close();
                }
            }
            Collections.sort(late);
            System.out.printf(Locale.ROOT, "%s: deadline to stop over %d calls: median %.3f ms, p95 %.3f ms, max %.3f"
                    + " ms%n", mode, runs, late.get(runs / 2), late.get((int) Math.ceil(runs * 0.95) - 1),
                    late.get(runs - 1));
            instances(compile, mode, false);
        }
        instances(true, "compiled, one parsed module and one shared cache (as the extender has)", true);
        System.exit(0);
    }

    /** Time and heap per idle instance of Extism's small allocations.wasm and of code.wasm (1.8 MB). */
    private static void instances(boolean compile, String mode, boolean shared) throws Exception {
        for (String module : new String[] {"allocations", "code"}) {
            byte[] bytes = WasmBench.extism(module);
            int count = module.equals("code") ? 5 : 20;
            List<WasmInstance> kept = new ArrayList<>();
            CompiledModules cache = new CompiledModules(null, "bench", 1L << 30);
            com.dylibso.chicory.wasm.WasmModule parsed = shared ? com.dylibso.chicory.wasm.Parser.parse(bytes) : null;
            long before = usedHeap();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                int pages = module.equals("code") ? 17 : 2;
                kept.add(shared ? WasmBench.instance(parsed, pages, cache, 1000)
                        : WasmBench.instance(bytes, pages, compile, 1000));
            }
            double millis = (System.nanoTime() - start) / 1e6 / count;
            long heap = (usedHeap() - before) / count;
            System.out.printf(Locale.ROOT, "%s: %s.wasm: %.1f ms and %d KiB of heap per idle instance (%d made)%n",
                    mode, module, millis, heap / 1024, kept.size());
            if (shared) {
                long again = System.nanoTime();
                WasmBench.instance(parsed, module.equals("code") ? 17 : 2, cache, 1000);
                System.out.printf(Locale.ROOT, "%s: %s.wasm: one more instance, its module already compiled: %.1f ms%n",
                        mode, module, (System.nanoTime() - again) / 1e6);
            }
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
