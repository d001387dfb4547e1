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
 * beside the module ({@code plugin.json}'s {@code "config"} object, if the bundle carries one), and the hosts
 * Extism's HTTP function may reach ({@code allowed-hosts}, only with {@code use:network}).
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

    ModuleLoader(WasmConfig config, CompiledModules compiled) {
        this.config = config;
        this.compiled = compiled;
    }

    WasmPlugin load(Bundle bundle, WasmDescriptor descriptor, Grants grants, PluginServices services, Logger log,
            ScheduledExecutorService timers, WasmPlugin.Failures failures, java.util.function.LongSupplier policyDeadline) {
        byte[] bytes = entry(bundle, descriptor.path());
        if (bytes == null) {
            throw new IllegalArgumentException("Carehost-Wasm names " + descriptor.path() + ", which is not in the "
                    + "bundle");
        }
        WasmModule module;
        try {
            module = Parser.parse(bytes);
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(descriptor.path() + " is not a valid WebAssembly module: "
                    + e.getMessage());
        }
        List<String> refusals = ImportCheck.refusals(module, grants);
        if (!refusals.isEmpty()) {
            throw new Refused(String.join("; ", refusals) + " (module " + descriptor.path() + ")");
        }
        Limits limits = Limits.of(config).narrowedBy(descriptor.attributes());
        int initialPages = module.memorySection().map(m -> m.getMemory(0).limits().initialPages()).orElse(0);
        if (initialPages > limits.memoryPages()) {
            throw new Refused("start " + descriptor.path() + " with " + initialPages + " pages of memory, over its "
                    + "limit of " + limits.memoryPages() + " (memoryPages in etc/org.carehost.wasm.cfg)");
        }
        String[] hosts = grants.holds(Permission.USE_NETWORK) && descriptor.attribute("allowed-hosts") != null
                ? descriptor.attribute("allowed-hosts").split("[ ,]+") : new String[0];
        InstanceFactory factory = new InstanceFactory(bytes, Math.max(initialPages, 1), limits,
                config.compile() ? compiled.machines() : null,
                extismConfig(bundle, descriptor), hosts, services, log);
        return new WasmPlugin(bundle, descriptor, limits, functionExports(module), factory, timers, failures,
                policyDeadline);
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
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + " from the bundle: " + e.getMessage());
        }
    }
}
