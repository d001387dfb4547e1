package org.carehost.wasm.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.carehost.security.Permission;

/**
 * The host functions Carehost offers WebAssembly plugins, in the import module {@code carehost}, and the permission
 * each needs (any one of those listed). Every function takes one Extism memory block (its input, JSON or text) and
 * returns one (its output); see {@link CarehostFunctions} for what each reads and writes. A module that imports one
 * of these without holding its permission, or imports a name that is not here, does not instantiate.
 */
final class HostApi {

    static final String MODULE = "carehost";
    /** Extism's own host module: memory, input/output, vars, config, logging, HTTP. */
    static final String EXTISM = "extism:host/env";
    static final String WASI = "wasi_snapshot_preview1";

    static final Map<String, Permission[]> FUNCTIONS = functions();

    /** Extism's HTTP functions: a network deputy, offered only with use:network. */
    static final java.util.Set<String> EXTISM_HTTP = java.util.Set.of("http_request", "http_status_code",
            "http_headers");

    private HostApi() {
    }

    private static Map<String, Permission[]> functions() {
        Map<String, Permission[]> all = new LinkedHashMap<>();
        all.put("patient_get", new Permission[] {Permission.READ_PATIENTS});
        all.put("patient_search", new Permission[] {Permission.READ_PATIENTS});
        all.put("appointment_get", new Permission[] {Permission.READ_APPOINTMENTS});
        all.put("appointment_search", new Permission[] {Permission.READ_APPOINTMENTS});
        all.put("audit_record", new Permission[] {Permission.WRITE_AUDIT});
        all.put("data_get", new Permission[] {Permission.STORE_PLUGIN_DATA});
        all.put("data_put", new Permission[] {Permission.STORE_PLUGIN_DATA});
        all.put("data_delete", new Permission[] {Permission.STORE_PLUGIN_DATA});
        all.put("data_keys", new Permission[] {Permission.STORE_PLUGIN_DATA});
        all.put("config_get", new Permission[0]);
        all.put("log", new Permission[0]);
        return Map.copyOf(all);
    }

    /** The permissions that let a module import {@code module/name}; empty Optional when nobody may. */
    static Optional<Permission[]> needs(String module, String name) {
        switch (module) {
            case MODULE:
                return Optional.ofNullable(FUNCTIONS.get(name));
            case EXTISM:
                return Optional.of(EXTISM_HTTP.contains(name) ? new Permission[] {Permission.USE_NETWORK}
                        : new Permission[0]);
            case WASI:
                return Optional.of(new Permission[0]);
            default:
                return Optional.empty();
        }
    }
}
