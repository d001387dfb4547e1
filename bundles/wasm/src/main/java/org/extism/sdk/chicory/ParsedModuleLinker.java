package org.extism.sdk.chicory;

import java.util.Arrays;

import com.dylibso.chicory.log.Logger;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;

/**
 * Links an Extism plugin instance from a module Carehost has already parsed, so that every instance of every plugin
 * carrying the same module shares one parsed {@link WasmModule} (about 6 MiB of heap for a 1.8 MB module) and, through
 * it, one set of compiled classes.
 *
 * <p>Written here, in the SDK's package, because the Extism Chicory SDK 0.3.0 offers no public way to hand it a parsed
 * module: its {@code Manifest} takes bytes, a path or a URL, and its linker parses them for every instance. This class
 * links the way the SDK's own linker does (its kernel with the same machine factory, its {@code extism:host/env}
 * functions, WASI when configured, the user's host functions bound to the new plugin), through the SDK's
 * package-private constructors; it is compiled into the wasm bundle with the SDK (bnd {@code Private-Package}, one
 * class loader), so it sees them. Sharing the module is safe: Chicory never changes a parsed module (an instance copies
 * the segments it may drop and makes its own memory, globals and tables), and the SDK keeps its per-instance state in
 * the {@link HostEnv} and kernel instance made here anew. On an SDK upgrade, compare with its {@code Linker.link}.
 */
public final class ParsedModuleLinker {

    private ParsedModuleLinker() {
    }

    /**
     * A new plugin instance of {@code module}.
     *
     * @param options the manifest's options (machine factory, memory limits, WASI, config, allowed hosts)
     * @param functions host functions, bound to the returned plugin (so never shared between instances)
     * @param wasi what to make of WASI's functions before they are linked (Carehost runs them as done for the plugin
     *        when it has a folder)
     */
    public static Plugin link(WasmModule module, Manifest.Options options, ExtismHostFunction[] functions,
            Logger logger, java.util.function.UnaryOperator<HostFunction[]> wasi, long kernelBytes) {
        DependencyGraph graph = new DependencyGraph(logger);
        graph.setOptions(options);
        Kernel kernel = new Kernel(options.machineFactory);
        HostEnv env = new HostEnv(kernel, options.config, options.allowedHosts,
                options.enableHttpResponseHeaders, options.httpConfig, logger);
        graph.registerFunctions(Arrays.stream(env.toHostFunctions())
                .map(function -> boundedAlloc(function, kernel, kernelBytes)).toArray(HostFunction[]::new));
        if (options.wasiOptions != null) {
            graph.registerFunctions(wasi.apply(WasiPreview1.builder().withLogger(logger)
                    .withOptions(options.wasiOptions).build().toHostFunctions()));
        }
        graph.registerFunctions(Arrays.stream(functions).map(ExtismHostFunction::asHostFunction)
                .toArray(HostFunction[]::new));
        graph.registerModule(DependencyGraph.MAIN_MODULE_NAME, module);
        Instance main = graph.instantiate();
        Plugin plugin = new Plugin(main, env);
        CurrentPlugin current = new CurrentPlugin(plugin);
        for (ExtismHostFunction function : functions) {
            function.bind(current);
        }
        return plugin;
    }

    /**
     * The kernel's {@code alloc}, held to {@code kernelBytes}: the kernel is a WebAssembly instance of its own, which
     * the SDK makes without the manifest's memory limits, and a module's {@code alloc} grew it by 256 MiB a time, about
     * 1 GB of heap within one call (red team 19). An allocation larger than the bound, or made once the kernel's memory
     * has reached it, answers 0, which is Extism's "no memory"; the module's call then fails as out of memory does.
     * Other functions are returned as they are.
     */
    private static HostFunction boundedAlloc(HostFunction function, Kernel kernel, long kernelBytes) {
        if (!function.module().equals(Kernel.IMPORT_MODULE_NAME) || !function.name().equals("alloc")) {
            return function;
        }
        com.dylibso.chicory.runtime.WasmFunctionHandle alloc = function.handle();
        return new HostFunction(function.module(), function.name(), function.functionType(), (instance, args) -> {
            long held = (long) kernel.instanceMemory.pages() * 65_536L;
            if (args[0] < 0 || args[0] > kernelBytes || held > kernelBytes) {
                return new long[] {0};
            }
            return alloc.apply(instance, args);
        });
    }
}
