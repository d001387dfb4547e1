package org.carehost.wasm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.PluginLimits;
import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads one module a bundle carries, decides whether it may run (its imports, its starting memory) and prepares it:
 * limits from the container's settings narrowed by the header's attributes, the Extism config from the JSON file
 * beside the module ({@code plugin.json}'s {@code "config"} object, if the bundle carries one), and what it reaches
 * outside: Extism's HTTP function with {@code use:network} (the grant's hosts, narrowed further by
 * {@code allowed-hosts} if given), the plugin's folder in WASI with {@code use:files}.
 */
final class ModuleLoader {

    /** The module may not run; the message completes "it tried to ...". */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WasmConfig config;
    private final CompiledModules compiled;
    /** One parsed module per module digest, shared by every plugin (and every instance) running it. */
    private final SharedByKey<WasmModule> parsed = new SharedByKey<>();

    ModuleLoader(WasmConfig config, CompiledModules compiled) {
        this.config = config;
        this.compiled = compiled;
    }

    /**
     * @param policy the policy's limits: its memory pages and instances for the plugin are read now (a change applies
     *        when the plugin next starts), its deadline at each call
     */
    WasmPlugin load(Bundle bundle, WasmDescriptor descriptor, Grants grants, PluginServices services, Logger log,
            ScheduledExecutorService timers, WasmPlugin.Failures failures, PluginLimits policy, GuestReach reach) {
        byte[] bytes = entry(bundle, descriptor.path());
        if (bytes == null) {
            throw new IllegalArgumentException("Carehost-Wasm names " + descriptor.path() + ", which is not in the "
                    + "bundle");
        }
        String bound = ModuleBounds.problem(bytes);
        if (bound != null) {
            throw new IllegalArgumentException(descriptor.path() + " is refused: " + bound + ", more than any plugin's "
                    + "module needs");
        }
        String key = digest(bytes);
        long code = ModuleBounds.codeBytes(bytes);
        long others = parsed.aliveWeight(key);
        long heap = Runtime.getRuntime().maxMemory();
        if ((others + code) * ModuleBounds.PARSED_HEAP_PER_CODE_BYTE > heap / 2) {
            throw new IllegalArgumentException(descriptor.path() + " is refused: its code (" + ModuleBounds.mib(code)
                    + " MiB) and that of the modules loaded now (" + ModuleBounds.mib(others) + " MiB) would take up to "
                    + ModuleBounds.mib((others + code) * ModuleBounds.PARSED_HEAP_PER_CODE_BYTE) + " MiB of the heap "
                    + "once parsed, more than half the container's heap (" + ModuleBounds.mib(heap) + " MiB): stop "
                    + "another WebAssembly plugin, or give the container more heap");
        }
        WasmModule module;
        try {
            module = parsed.get(key, () -> Parser.parse(bytes), code);
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(descriptor.path() + " is not a valid WebAssembly module: "
                    + e.getMessage());
        } catch (OutOfMemoryError e) {
            // what ModuleBounds does not foresee: the parser asked for more than the JVM gives
            throw new IllegalArgumentException(descriptor.path() + " is refused: parsing it asks for more memory than "
                    + "a module may have (" + e.getMessage() + ")");
        }
        String tables = ModuleTables.problem(module);
        if (tables != null) {
            throw new IllegalArgumentException(descriptor.path() + " is refused: " + tables);
        }
        List<String> refusals = ImportCheck.refusals(module, grants);
        if (!refusals.isEmpty()) {
            throw new Refused(String.join("; ", refusals) + " (module " + descriptor.path() + ")");
        }
        java.util.OptionalInt policyPages = policy.wasmMemoryPages(bundle);
        Limits limits = Limits.of(config).narrowedBy(descriptor.attributes())
                .narrowedByPolicy(policyPages, policy.wasmInstances(bundle));
        int initialPages = module.memorySection().map(m -> m.getMemory(0).limits().initialPages()).orElse(0);
        if (initialPages > limits.memoryPages()) {
            String source = policyPages.isPresent() && policyPages.getAsInt() == limits.memoryPages()
                    ? "the policy's 'wasm-memory-pages plugin " + bundle.getSymbolicName() + " "
                            + limits.memoryPages() + "'"
                    : "memoryPages in etc/org.carehost.wasm.cfg, or the header's memory-pages";
            throw new Refused("start " + descriptor.path() + " with " + initialPages + " pages of memory, over its "
                    + "limit of " + limits.memoryPages() + " (" + source + ")");
        }
        // the grant's scope (use:network host:port) is what the agent checks; allowed-hosts may only narrow it further
        boolean network = grants.holds(Permission.USE_NETWORK);
        String[] hosts = !network ? new String[0] : descriptor.attribute("allowed-hosts") != null
                ? descriptor.attribute("allowed-hosts").split("[ ,]+") : new String[] {"*"};
        InstanceFactory.Outside outside = new InstanceFactory.Outside(reach, bundle, network,
                grants.holds(Permission.USE_FILES));
        InstanceFactory factory = new InstanceFactory(module, Math.max(initialPages, 1), limits,
                config.compile() ? compiled.machines() : null,
                extismConfig(bundle, descriptor), hosts, services, log, outside);
        Runnable compile = config.compile() ? () -> compiled.compileNow(module) : () -> { };
        return new WasmPlugin(bundle, descriptor, limits, functionExports(module), factory, compile, timers, failures,
                () -> policy.pluginDeadline(bundle).map(java.time.Duration::toMillis).orElse(0L));
    }

    /** Parsed modules alive now (for the tests). */
    int parsedModules() {
        return parsed.alive();
    }

    private static String digest(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Set<String> functionExports(WasmModule module) {
        Set<String> names = new HashSet<>();
        ExportSection exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export export = exports.getExport(i);
            if (export.exportType() == ExternalType.FUNCTION) {
                names.add(export.name());
            }
        }
        return names;
    }

    /** {@code "config"} of the JSON file named like the module ({@code plugin.wasm}: {@code plugin.json}). */
    private static Map<String, String> extismConfig(Bundle bundle, WasmDescriptor descriptor) {
        String path = descriptor.path().substring(0, descriptor.path().length() - ".wasm".length()) + ".json";
        byte[] bytes = entry(bundle, path);
        Map<String, String> values = new LinkedHashMap<>();
        if (bytes == null) {
            return values;
        }
        try {
            JsonNode config = JSON.readTree(bytes).path("config");
            config.fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue().asText()));
        } catch (IOException e) {
            throw new IllegalArgumentException(path + " is not valid JSON: " + e.getMessage());
        }
        return values;
    }

    private static byte[] entry(Bundle bundle, String path) {
        URL url = bundle.getEntry(path);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readNBytes(ModuleBounds.MAX_BYTES + 1);
            if (bytes.length > ModuleBounds.MAX_BYTES) {
                throw new IllegalArgumentException(path + " is larger than " + (ModuleBounds.MAX_BYTES >> 20)
                        + " MiB, more than any plugin's module needs");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + " from the bundle: " + e.getMessage());
        }
    }
}
