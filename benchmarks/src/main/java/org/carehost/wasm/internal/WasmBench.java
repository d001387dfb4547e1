package org.carehost.wasm.internal;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.osgi.service.log.Logger;

/** What the WebAssembly benchmarks share: Extism's test modules, instances made as the extender makes them. */
final class WasmBench {

    private WasmBench() {
    }

    static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "deadlines");
        thread.setDaemon(true);
        return thread;
    });

    /** integration-tests/wasm/extism/NAME.wasm, from the repository root (the working directory). */
    static byte[] extism(String name) throws java.io.IOException {
        return Files.readAllBytes(Path.of("integration-tests/wasm/extism", name + ".wasm"));
    }

    static Limits limits(long deadlineMillis) {
        return new Limits(256, deadlineMillis, 1, 1 << 20, 1 << 20, Integer.MAX_VALUE);
    }

    /** An instance compiled afresh (a cache of its own, as each instance was before the cache) or interpreted. */
    static WasmInstance instance(byte[] module, int initialPages, boolean compile, long deadlineMillis) {
        return instance(module, initialPages, compile ? new CompiledModules(null, "bench", 1L << 30) : null,
                deadlineMillis);
    }

    /** An instance compiled through {@code cache} (the extender shares one), or interpreted when it is null. */
    static WasmInstance instance(byte[] module, int initialPages, CompiledModules cache, long deadlineMillis) {
        return instance(com.dylibso.chicory.wasm.Parser.parse(module), initialPages, cache, deadlineMillis);
    }

    /** An instance of a module already parsed (the extender parses a module once and shares it). */
    static WasmInstance instance(com.dylibso.chicory.wasm.WasmModule module, int initialPages, CompiledModules cache,
            long deadlineMillis) {
        return new InstanceFactory(module, initialPages, limits(deadlineMillis), cache == null ? null : cache.machines(),
                Map.of(), new String[0], null, silent()).create();
    }

    /** A call as WasmPlugin makes it: under a deadline guard. */
    static byte[] call(WasmInstance instance, String function, byte[] input, long deadlineMillis) {
        CallGuard guard = CallGuard.start(TIMERS, deadlineMillis);
        instance.slot().begin(guard);
        try {
            return instance.plugin().call(function, input);
        } finally {
            instance.slot().end();
            guard.close();
        }
    }

    static Logger silent() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getReturnType() == boolean.class ? Boolean.FALSE : null);
    }
}
