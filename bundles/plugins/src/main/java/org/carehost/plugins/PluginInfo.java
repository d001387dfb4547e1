package org.carehost.plugins;

import java.util.List;

/**
 * A snapshot of one plugin.
 *
 * @param id bundle id
 * @param symbolicName bundle symbolic name
 * @param version bundle version
 * @param state bundle state
 * @param origin where it was installed from
 * @param location the bundle location it was installed from
 * @param components its Declarative Services components, by name
 * @param kind {@code java}, or for a WebAssembly plugin {@code wasm} and its kinds ({@code wasm validator})
 */
public record PluginInfo(long id, String symbolicName, String version, PluginState state, PluginOrigin origin,
        String location, List<ComponentInfo> components, String kind) {

    public PluginInfo {
        components = List.copyOf(components);
        kind = kind == null ? "java" : kind;
    }

    /** A Java plugin (before API 1.2). */
    public PluginInfo(long id, String symbolicName, String version, PluginState state, PluginOrigin origin,
            String location, List<ComponentInfo> components) {
        this(id, symbolicName, version, state, origin, location, components, "java");
    }
}
