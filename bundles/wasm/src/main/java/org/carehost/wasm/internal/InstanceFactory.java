package org.carehost.wasm.internal;

import java.io.OutputStream;
import java.util.Map;

import org.extism.sdk.chicory.Manifest;
import org.extism.sdk.chicory.ParsedModuleLinker;
import org.extism.sdk.chicory.Plugin;
import org.osgi.service.log.Logger;

import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasm.WasmModule;

/**
 * Makes instances of one module with the Extism Chicory SDK: the module parsed once and shared
 * ({@link ParsedModuleLinker}), WASI with no sockets, no environment and no arguments (standard output and error go
 * to the plugin's log) and no preopened folder but the plugin's own with {@code use:files}, the memory cap, the
 * Extism config, Extism's HTTP function only when the plugin holds {@code use:network} (both run as done for the
 * plugin: {@link GuestReach}), and a
 * fresh set of {@code carehost} host functions for each instance (the SDK binds host functions to the instance they
 * are linked into, so instances never share them).
 */
final class InstanceFactory {

    private final WasmModule module;
    private final int initialPages;
    private final Limits limits;
    private final java.util.function.Function<com.dylibso.chicory.runtime.Instance, com.dylibso.chicory.runtime.Machine> machines;
    private final Map<String, String> config;
    private final String[] allowedHosts;
    private final PluginServices services;
    private final Logger log;
    private final Outside outside;

    /**
     * What the instances reach outside on the plugin's behalf ({@link GuestReach}): Extism's HTTP function when
     * {@code network}, the plugin's folder preopened in WASI when {@code files}; {@link #NOTHING} for neither.
     */
    record Outside(GuestReach reach, org.osgi.framework.Bundle plugin, boolean network, boolean files) {
        static final Outside NOTHING = new Outside(null, null, false, false);
    }

    /**
     * @param machines Chicory's compiled machines through the container's {@link CompiledModules}, or null to
     *        interpret the module
     */
    InstanceFactory(WasmModule module, int initialPages, Limits limits,
            java.util.function.Function<com.dylibso.chicory.runtime.Instance, com.dylibso.chicory.runtime.Machine> machines,
            Map<String, String> config, String[] allowedHosts, PluginServices services, Logger log) {
        this(module, initialPages, limits, machines, config, allowedHosts, services, log, Outside.NOTHING);
    }

    InstanceFactory(WasmModule module, int initialPages, Limits limits,
            java.util.function.Function<com.dylibso.chicory.runtime.Instance, com.dylibso.chicory.runtime.Machine> machines,
            Map<String, String> config, String[] allowedHosts, PluginServices services, Logger log, Outside outside) {
        this.outside = outside;
        this.module = module;
        this.initialPages = initialPages;
        this.limits = limits;
        this.machines = machines;
        this.config = Map.copyOf(config);
        this.allowedHosts = allowedHosts.clone();
        this.services = services;
        this.log = log;
    }

    WasmInstance create() {
        InstanceSlot slot = new InstanceSlot();
        WasiOptions.Builder wasiOptions = WasiOptions.builder()
                .withStdout(LogStream.of(log, "stdout"), false)
                .withStderr(LogStream.of(log, "stderr"), false)
                .withStdin(java.io.InputStream.nullInputStream(), false);
        if (outside.files()) {
            wasiOptions.withDirectory(GuestReach.GUEST_ROOT, outside.reach().folder(outside.plugin()));
        }
        WasiOptions wasi = wasiOptions.build();
        Manifest.Options options = new Manifest.Options()
                .withWasi(wasi)
                .withMemoryLimits(initialPages, limits.memoryPages())
                .withConfig(config)
                .withAllowedHosts(allowedHosts);
        if (outside.network()) {
            options.withHttpConfig(outside.reach().http(outside.plugin(), slot, limits.deadlineMillis(),
                    limits.maxOutputBytes()));
        }
        if (machines != null) {
            // both: the SDK gives an instance the machine factory only in its ahead-of-time mode (without it, every
            // module is interpreted, the factory set or not)
            options.withAoT(true).withMachineFactory(machines);
        }
        Plugin plugin = ParsedModuleLinker.link(module, options,
                new CarehostFunctions(services, slot, limits, log, config).all(), new ChicoryLog(log),
                outside.files() ? wasiFunctions -> outside.reach().asPlugin(outside.plugin(), wasiFunctions)
                        : java.util.function.UnaryOperator.identity(),
                // the kernel's memory (input, output, the module's allocations for host calls): as much as the
                // module's own, plus the largest input and output
                limits.memoryPages() * 65_536L + limits.maxInputBytes() + limits.maxOutputBytes());
        return new WasmInstance(plugin, slot);
    }

    /** Lines a module writes to a WASI stream, logged as the plugin's (at most 8 KiB a line). */
    static final class LogStream extends OutputStream {
        private final Logger log;
        private final String stream;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        private LogStream(Logger log, String stream) {
            this.log = log;
            this.stream = stream;
        }

        static OutputStream of(Logger log, String stream) {
            return new LogStream(log, stream);
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n' || line.size() >= 8192) {
                flush();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void flush() {
            if (line.size() > 0) {
                log.info("[{}] {}", stream, line.toString(java.nio.charset.StandardCharsets.UTF_8));
                line.reset();
            }
        }
    }
}
