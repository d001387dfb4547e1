package org.carehost.wasm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;

/**
 * Plugins of one module share its parse and its compiled classes, and nothing else: each instance keeps its own
 * memory and Extism state (Extism's {@code count_vowels} keeps a running total in an Extism variable).
 */
class SharedModulesTest {

    private static final Limits LIMITS = new Limits(256, 60_000, 1, 1 << 20, 1 << 20, 5);

    private static Logger silent() {
        return (Logger) java.lang.reflect.Proxy.newProxyInstance(Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getReturnType() == boolean.class ? Boolean.FALSE : null);
    }

    private static String call(WasmInstance instance, String input) {
        return new String(instance.plugin().call("count_vowels", input.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
    }

    @Test
    void twoPluginsOfOneModuleShareItsClassesNotTheirState() throws Exception {
        WasmModule module = Parser.parse(Files.readAllBytes(Path.of("../../integration-tests/wasm/extism/code.wasm")));
        CompiledModules compiled = new CompiledModules(null, "test", 1L << 30);
        InstanceFactory one = new InstanceFactory(module, 17, LIMITS, compiled.machines(), Map.of(), new String[0],
                null, silent());
        InstanceFactory other = new InstanceFactory(module, 17, LIMITS, compiled.machines(), Map.of(), new String[0],
                null, silent());
        WasmInstance first = one.create();
        WasmInstance second = other.create();
        WasmInstance third = one.create();
        assertEquals(2, compiled.classSets(), "one class set for the module and one for Extism's kernel, "
                + "whatever the number of instances and plugins");
        assertEquals("{\"count\":3,\"total\":3,\"vowels\":\"aeiouAEIOU\"}", call(first, "aaa"));
        assertEquals("{\"count\":3,\"total\":6,\"vowels\":\"aeiouAEIOU\"}", call(first, "eee"));
        assertEquals("{\"count\":1,\"total\":1,\"vowels\":\"aeiouAEIOU\"}", call(second, "o"),
                "another plugin's instance has its own running total");
        assertEquals("{\"count\":2,\"total\":2,\"vowels\":\"aeiouAEIOU\"}", call(third, "ii"),
                "another instance of the same plugin too");
    }

    @Test
    void aValueIsMadeOncePerKeyEvenWhenAskedForAtOnce() throws Exception {
        SharedByKey<Object> shared = new SharedByKey<>();
        AtomicInteger made = new AtomicInteger();
        CountDownLatch making = new CountDownLatch(1);
        CountDownLatch bothAsked = new CountDownLatch(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                got.add(threads.submit(() -> {
                    bothAsked.countDown();
                    return shared.get("sha:1", () -> {
                        made.incrementAndGet();
                        try {
                            making.await(); // held until both threads have asked
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return new Object();
                    });
                }));
            }
            bothAsked.await();
            making.countDown();
            assertSame(got.get(0).get(), got.get(1).get());
            assertEquals(1, made.get());
            Object first = got.get(0).get();
            Object other = shared.get("sha:2", () -> {
                made.incrementAndGet();
                return new Object();
            });
            assertEquals(2, made.get(), "another key is made once more");
            assertTrue(other != first, "another key, another value");
            assertEquals(2, shared.alive());
            java.lang.ref.Reference.reachabilityFence(first);
            java.lang.ref.Reference.reachabilityFence(other); // held weakly: kept alive until counted
        } finally {
            threads.shutdownNow();
        }
    }
}
